import { expect } from 'vitest';
import type { Tensor } from '@webgrad/core-tensor';

/** Asserts |a − b| ≤ atol + rtol·|b| elementwise (CPU tensors), naming the worst element. */
export function expectClose(a: Tensor, b: Tensor | ArrayLike<number>, atol = 1e-6, rtol = 0, what = 'tensor'): void {
  const av = a.dataSync();
  const bv = 'dataSync' in b ? (b as Tensor).dataSync() : b;
  if ('shape' in b) expect(a.shape, `${what}: shape`).toEqual((b as Tensor).shape);
  expect(av.length, `${what}: size`).toBe(bv.length);
  let worst = -Infinity;
  let at = -1;
  for (let i = 0; i < av.length; i++) {
    const excess = Math.abs(av[i]! - bv[i]!) - (atol + rtol * Math.abs(bv[i]!));
    if (!(excess <= worst) || Number.isNaN(excess)) [worst, at] = [Number.isNaN(excess) ? Infinity : excess, i];
  }
  expect(worst, `${what}: element ${at} is ${av[at]} but expected ${bv[at]}`).toBeLessThanOrEqual(0);
}
