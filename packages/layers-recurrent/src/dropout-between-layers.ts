import { bernoulli, mul, zerosLike, type Tensor } from '@webgrad/core-tensor';

/**
 * Inverted dropout on a layer's output before the next layer reads it:
 * each element is zeroed with probability p and the survivors are scaled by
 * 1/(1 − p), so the expected value is unchanged (training mode only).
 */
export function dropoutBetweenLayers(x: Tensor, p: number): Tensor {
  if (p >= 1) return zerosLike(x);
  const keep = bernoulli(1 - p, x.shape, { dtype: x.dtype, backend: x.backend.name });
  return mul(x, mul(keep, 1 / (1 - p)));
}
