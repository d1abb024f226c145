import { expect } from 'vitest';

/** A tensor as the fixtures store it. */
export interface FixtureTensor {
  shape: number[];
  data: number[];
}

/**
 * Asserts |a − b| ≤ tol·max(1, |b|) element by element (relative for large
 * values, absolute near zero), naming the worst element.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what: string,
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(
    worst,
    `${what}: element ${at} is ${actual[at]}, expected ${expected[at]}`,
  ).toBeLessThanOrEqual(tol);
}
