import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { tensor, type DType, type Tensor } from '@webgrad/core-tensor';

/** A tensor as the PyTorch generator scripts write it. */
export interface TensorSpec {
  dtype: DType;
  shape: number[];
  data: number[];
}

const here = dirname(fileURLToPath(import.meta.url));

/** Reads `fixtures/<name>.json`. */
export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(here, 'fixtures', `${name}.json`), 'utf8')) as T;
}

/** The tensor a spec describes (optionally requiring grad). */
export function fromSpec(s: TensorSpec, requiresGrad = false): Tensor {
  return tensor(s.data, { shape: s.shape, dtype: s.dtype, requiresGrad });
}

/**
 * Expects `actual` to equal the PyTorch values elementwise within
 * atol + rtol·|expected| (default 1e-5 both, 1e-9 for float64 fixtures).
 */
export function expectMatches(actual: Tensor | null, expected: TensorSpec, what: string, tol?: { atol?: number; rtol?: number }): void {
  expect(actual, `${what}: missing`).not.toBeNull();
  const a = actual!;
  expect(a.shape, `${what}: shape`).toEqual(expected.shape);
  const precise = expected.dtype === 'float64';
  const atol = tol?.atol ?? (precise ? 1e-9 : 1e-5);
  const rtol = tol?.rtol ?? (precise ? 1e-9 : 1e-5);
  const values = a.dataSync();
  let worst = '';
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i]!;
    const v = Number(values[i]);
    if (!(Math.abs(v - e) <= atol + rtol * Math.abs(e))) {
      worst ||= `${what}: element ${i} is ${v}, PyTorch has ${e}`;
    }
  }
  expect(worst, worst).toBe('');
}
