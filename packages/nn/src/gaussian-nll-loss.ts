import { customOp } from '@webgrad/autograd';
import { ArgumentError, ShapeError, add, clamp, div, fmtShape, log, mul, shapesEqual, square, sub, unsqueeze, type Tensor } from '@webgrad/core-tensor';
import { hostValues } from './host-values.js';
import { reduceLoss } from './reduction.js';
import type { LossOptions } from './regression-loss.js';

/** Options of `gaussianNllLoss`. */
export interface GaussianNllLossOptions extends LossOptions {
  /** Add the constant ½·log 2π (default false). */
  full?: boolean;
  /** Variances below eps are raised to eps for stability (default 1e-6). */
  eps?: number;
}

/**
 * max(v, eps) in the forward pass with an identity gradient, as PyTorch's
 * gaussian_nll_loss clamps a clone of the variance under no_grad: the
 * gradient of the loss still flows to the clamped entries.
 */
function clampMinStraightThrough(v: Tensor, eps: number): Tensor {
  return customOp({ name: 'clampVariance', forward: (t) => clamp(t, eps), backward: (g) => [g] })(v);
}

/**
 * Negative log-likelihood of `target` under N(input, var), PyTorch's
 * `F.gaussian_nll_loss`: ℓᵢ = ½(log max(varᵢ, ε) + (xᵢ − yᵢ)²/max(varᵢ, ε))
 * (+ ½·log 2π with `full`). `var` has the input's shape (heteroscedastic), or
 * lacks its last axis or has length 1 there (one variance per sample,
 * homoscedastic). Negative variances are an error.
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, options: GaussianNllLossOptions = {}): Tensor {
  const op = 'gaussianNllLoss';
  let v = variance;
  if (!shapesEqual(v.shape, input.shape)) {
    const lead = input.shape.slice(0, -1);
    if (input.rank >= 1 && shapesEqual(v.shape, lead)) v = unsqueeze(v, -1);
    else if (!(input.rank >= 1 && v.rank === input.rank && shapesEqual(v.shape.slice(0, -1), lead) && v.shape[v.rank - 1] === 1)) {
      throw new ShapeError(op, `var ${fmtShape(variance.shape)} must have the input's shape ${fmtShape(input.shape)}, or it without the last axis, or with length 1 there`);
    }
  }
  const eps = options.eps ?? 1e-6;
  const values = hostValues(v);
  if (values && values.some((x) => x < 0)) throw new ArgumentError(op, 'var has negative entries: variances must be non-negative');
  const vc = clampMinStraightThrough(v.dtype === input.dtype ? v : v.cast(input.dtype), eps);
  let loss = mul(add(log(vc), div(square(sub(input, target)), vc)), 0.5);
  if (options.full) loss = add(loss, 0.5 * Math.log(2 * Math.PI));
  return reduceLoss(op, loss, options.reduction ?? 'mean');
}
