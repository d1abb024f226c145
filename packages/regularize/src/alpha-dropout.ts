import type { Tensor } from '@webgrad/core-tensor';
import { DropoutLayer, checkDropoutProbability, keepMask, type DropoutOptions } from './dropout.js';

/** −λα of SELU: the value SELU saturates to, which alpha dropout drops to. */
const SELU_NEGATIVE_SATURATION = 1.7580993408473766;

/**
 * Alpha dropout (Klambauer et al. 2017), PyTorch's `F.alpha_dropout`, for
 * self-normalising (SELU) nets: dropped units are set to SELU's negative
 * saturation −α' (α' = 1.7581) instead of 0, and the result is mapped by
 * a·(·) + b with a = ((1 − p)(1 + pα'²))^{−½} and b = a·α'·p, so inputs with
 * zero mean and unit variance keep them. Identity in eval mode.
 */
export function alphaDropout(
  x: Tensor,
  p = 0.5,
  training = true,
  options: DropoutOptions = {},
): Tensor {
  checkDropoutProbability('alphaDropout', p);
  if (!training || p === 0 || x.size === 0) return x;
  if (p === 1) return x.mul(0);
  const alpha = SELU_NEGATIVE_SATURATION;
  const a = 1 / Math.sqrt((alpha * alpha * p + 1) * (1 - p));
  const mask = keepMask(x, x.shape, p, options);
  // PyTorch's order: b = (mask − 1)·αa + αap, output = x·(a·mask) + b
  const b = mask
    .sub(1)
    .mul(alpha * a)
    .add(alpha * a * p);
  return x.mul(mask.mul(a)).add(b);
}

/** `alphaDropout` as a layer (PyTorch's `nn.AlphaDropout`). */
export class AlphaDropout extends DropoutLayer {
  /** Creates the layer; throws unless 0 ≤ p ≤ 1. */
  constructor(p = 0.5, options: DropoutOptions = {}) {
    super('AlphaDropout', p, options);
  }

  /** Applies alpha dropout in training mode. */
  forward(x: Tensor): Tensor {
    return alphaDropout(x, this.p, this.training, this.options);
  }
}
