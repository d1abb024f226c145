import { concat, keep, mul, reshape, sum, tidy, zeros, type Tensor } from '@webgrad/core-tensor';
import { scalarLike } from './update-rule.js';

/*
 * The parameters of LBFGS and Newton seen as one flat vector, in group
 * order: gathering gradients, moving along a direction, restoring values.
 */

/** The total number of elements of `params`. */
export function numelOf(params: readonly Tensor[]): number {
  return params.reduce((n, p) => n + p.size, 0);
}

/** Every parameter's gradient flattened and concatenated (zeros where a gradient is missing). */
export function gatherFlatGrad(params: readonly Tensor[]): Tensor {
  return tidy(() =>
    concat(
      params.map((p) => (p.grad !== null ? reshape(p.grad, [p.size]) : zeros([p.size], { dtype: p.dtype, backend: p.backend.name }))),
      0,
    ),
  );
}

/** The parameters' values flattened and concatenated. */
export function flattenParams(params: readonly Tensor[]): Tensor {
  return tidy(() => concat(params.map((p) => reshape(p, [p.size])), 0));
}

/** w ← w + t·d for the flat direction `d` (in place, with `assign_`). */
export function addToParams(params: readonly Tensor[], t: number | Tensor, d: Tensor): void {
  tidy(() => {
    const step = typeof t === 'number' ? scalarLike(d, t) : t;
    let offset = 0;
    for (const p of params) {
      const part = reshape(d.narrow(0, offset, p.size), p.shape.slice());
      p.assign_(p.add(part.mul(step)));
      offset += p.size;
    }
  });
}

/** Snapshots of the parameters' current values (kept handles; updates swap storage, so these stay put). */
export function snapshotParams(params: readonly Tensor[]): Tensor[] {
  return params.map((p) => keep(p.detach()));
}

/** Restores values saved by `snapshotParams`. */
export function restoreParams(params: readonly Tensor[], saved: readonly Tensor[]): void {
  params.forEach((p, i) => p.assign_(saved[i]));
}

/** ⟨a, b⟩ of two flat vectors, as a one-element tensor. */
export function dot(a: Tensor, b: Tensor): Tensor {
  return tidy(() => sum(mul(a, b)));
}

/** max |aᵢ| of a flat vector, as a one-element tensor. */
export function maxAbs(a: Tensor): Tensor {
  return tidy(() => a.abs().max());
}
