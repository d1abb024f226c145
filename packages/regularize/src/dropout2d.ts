import { ShapeError, fmtShape, type Tensor } from '@webgrad/core-tensor';
import { DropoutLayer, checkDropoutProbability, keepMask, type DropoutOptions } from './dropout.js';

/**
 * Channel dropout, PyTorch's `F.dropout2d`: zeroes whole feature maps. For
 * [N, C, H, W] input each of the N·C channels is kept with probability
 * 1 − p (and scaled by 1/(1 − p)); [C, H, W] input is one unbatched sample.
 * Neighbouring pixels of a feature map are strongly correlated, so dropping
 * single pixels barely regularises a convolutional net; dropping maps does
 * (Tompson et al. 2015).
 */
export function dropout2d(
  x: Tensor,
  p = 0.5,
  training = true,
  options: DropoutOptions = {},
): Tensor {
  checkDropoutProbability('dropout2d', p);
  if (x.rank !== 3 && x.rank !== 4)
    throw new ShapeError(
      'dropout2d',
      `expected [N, C, H, W] or [C, H, W] input, got ${fmtShape(x.shape)}`,
    );
  if (!training || p === 0 || x.size === 0) return x;
  if (p === 1) return x.mul(0);
  const maskShape = x.shape.map((d, i) => (i < x.rank - 2 ? d : 1));
  return x.mul(keepMask(x, maskShape, p, options).div(1 - p));
}

/** `dropout2d` as a layer (PyTorch's `nn.Dropout2d`). */
export class Dropout2d extends DropoutLayer {
  /** Creates the layer; throws unless 0 ≤ p ≤ 1. */
  constructor(p = 0.5, options: DropoutOptions = {}) {
    super('Dropout2d', p, options);
  }

  /** Drops channels in training mode. */
  forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, this.training, this.options);
  }
}
