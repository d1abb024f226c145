// Loads the PyTorch reference values written by fixtures/gen_ops.py and
// compares webgrad tensors with them.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { tensor, type DType, type Tensor } from '@webgrad/core-tensor';

/** A tensor as the generator stores it. */
export interface FixtureTensor {
  shape: number[];
  data: (number | boolean | 'nan' | 'inf' | '-inf')[];
}

/** One reference case: named inputs, the options used, and torch's output(s). */
export interface OpCase {
  inputs: Record<string, FixtureTensor>;
  attrs: Record<string, any>;
  out: FixtureTensor;
  outputs: Record<string, FixtureTensor>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** The parsed JSON file `name` in test/fixtures. */
export function readFixtureFile<T>(name: string): T {
  return JSON.parse(readFileSync(join(here, 'fixtures', name), 'utf8')) as T;
}

let opCases: Record<string, OpCase> | undefined;

/** The case `name` of ops.json (throws when it does not exist, so a typo cannot pass). */
export function opCase(name: string): OpCase {
  opCases ??= readFixtureFile<{ cases: Record<string, OpCase> }>('ops.json').cases;
  const c = opCases[name];
  if (c === undefined) throw new Error(`no fixture case '${name}' in ops.json`);
  return c;
}

/** All case names of ops.json starting with `prefix`. */
export function opCaseNames(prefix: string): string[] {
  opCase(Object.keys(readFixtureFile<{ cases: Record<string, OpCase> }>('ops.json').cases)[0]!);
  return Object.keys(opCases!).filter((n) => n.startsWith(prefix));
}

function decode(v: FixtureTensor['data'][number]): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return Number(v);
}

/** A webgrad tensor holding a fixture's values. */
export function fromFixture(t: FixtureTensor, dtype: DType = 'float32'): Tensor {
  return tensor(t.data.map(decode), { shape: t.shape, dtype });
}

/**
 * Asserts `actual` has the fixture's shape and every element agrees within
 * `tol`·max(1, |expected|) (NaN matches NaN, infinities match exactly).
 */
export function expectMatches(actual: Tensor, expected: FixtureTensor, tol = 1e-5): void {
  expect(actual.shape).toEqual(expected.shape);
  const got = actual.dataSync();
  expected.data.forEach((e, i) => {
    const want = decode(e);
    const v = Number(got[i]);
    if (Number.isNaN(want) || !Number.isFinite(want)) {
      expect(v, `element ${i}`).toBe(want);
      return;
    }
    const err = Math.abs(v - want);
    if (!(err <= tol * Math.max(1, Math.abs(want)))) {
      expect.fail(`element ${i} of ${JSON.stringify(actual.shape)}: got ${v}, torch gives ${want} (error ${err})`);
    }
  });
}
