import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { tensor, type Tensor } from '@webgrad/core-tensor';

/** A tensor as the PyTorch generator scripts write it (infinities as strings, JSON has none). */
export interface TensorSpec {
  dtype: 'float32' | 'bool' | 'int32';
  shape: number[];
  data: (number | boolean | string)[];
}

const here = dirname(fileURLToPath(import.meta.url));

/** Reads `fixtures/<name>.json`. */
export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(here, 'fixtures', `${name}.json`), 'utf8')) as T;
}

/** The values of a spec as numbers. */
export function specValues(s: TensorSpec): number[] {
  return s.data.map((v) => Number(v));
}

/** The tensor a spec describes (optionally requiring grad). */
export function fromSpec(s: TensorSpec, requiresGrad = false): Tensor {
  if (s.dtype === 'bool') return tensor(s.data.map((v) => v === true), { shape: s.shape, dtype: 'bool' });
  if (s.dtype === 'int32') return tensor(specValues(s), { shape: s.shape, dtype: 'int32' });
  return tensor(specValues(s), { shape: s.shape, dtype: 'float32', requiresGrad });
}

/** A spec or null as a tensor or null. */
export function maybeSpec(s: TensorSpec | null | undefined): Tensor | null {
  return s ? fromSpec(s) : null;
}

/**
 * Expects `actual` to equal the PyTorch values elementwise within
 * atol + rtol·|expected| (1e-5 both by default).
 */
export function expectMatches(actual: Tensor | null, expected: TensorSpec, what: string, tol = 1e-5): void {
  expect(actual, `${what}: missing`).not.toBeNull();
  const a = actual!;
  expect(a.shape, `${what}: shape`).toEqual(expected.shape);
  const values = a.dataSync();
  const want = specValues(expected);
  let worst = '';
  for (let i = 0; i < want.length; i++) {
    const e = want[i]!;
    const v = Number(values[i]);
    const ok = Number.isFinite(e) ? Math.abs(v - e) <= tol + tol * Math.abs(e) : Object.is(v, e) || (Number.isNaN(e) && Number.isNaN(v));
    if (!ok) worst ||= `${what}: element ${i} is ${v}, PyTorch has ${e}`;
  }
  expect(worst, worst).toBe('');
}
