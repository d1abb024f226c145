import type { Tensor } from '@webgrad/core-tensor';
import { DropoutLayer, keepMask, type DropoutOptions } from './dropout.js';
import { pyFloat } from './python-repr.js';

/**
 * Dropout as the course (and Srivastava et al. 2014) first present it: in
 * training each activation is kept with probability q = 1 − p and **not**
 * rescaled; at test time every activation is kept and multiplied by q. The
 * next layer then sees the same expected input in both modes,
 * E[m·x] = q·x. Multiplying the activations by q at test time is the same as
 * multiplying the outgoing weights of the next layer by q, the paper's
 * "scale the weights at test time": W(q·x) + b = (qW)x + b.
 *
 * Inverted dropout (`Dropout`, PyTorch's choice) moves the 1/q into training
 * instead, so inference needs no change. Both have the same expectation;
 * they differ only in where the factor sits.
 *
 * @example
 * ```ts
 * const drop = new ScaledWeightDropout(0.5);
 * drop.forward(x);          // training: x·m, m ~ Bernoulli(0.5), no scaling
 * drop.eval().forward(x);   // test: 0.5·x
 * ```
 */
export class ScaledWeightDropout extends DropoutLayer {
  /** Creates the layer; throws unless 0 ≤ p ≤ 1. */
  constructor(p = 0.5, options: DropoutOptions = {}) {
    super('ScaledWeightDropout', p, options);
  }

  /** Training: x·m with m ~ Bernoulli(1 − p); eval: (1 − p)·x. */
  forward(x: Tensor): Tensor {
    if (!this.training) return this.p === 0 ? x : x.mul(1 - this.p);
    if (this.p === 0 || x.size === 0) return x;
    return x.mul(keepMask(x, x.shape, this.p, this.options));
  }

  /** `p=0.5` */
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}`;
  }
}
