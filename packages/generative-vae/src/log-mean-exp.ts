import type { Tensor } from '@webgrad/core-tensor';

/**
 * log((1/k) Σ_i exp(a_i)) along `axis` (k = its length), computed stably as
 * logsumexp(a) − log k: the average of likelihood ratios that are only
 * representable as logarithms, as in the importance-weighted bound.
 *
 * @example
 * ```ts
 * logMeanExp(tensor([Math.log(1), Math.log(3)]), 0).item(); // log 2
 * ```
 */
export function logMeanExp(a: Tensor, axis: number): Tensor {
  const k = a.shape[axis < 0 ? a.rank + axis : axis]!;
  return a.logsumexp(axis).sub(Math.log(k));
}
