import { Tensor, WebgradError, isFloatDType } from '@webgrad/core-tensor';

/**
 * A tensor that is a learnable parameter of a `Module`: a leaf that requires
 * grad and is never freed by `tidy`. Optimizers update it in place with
 * `assign_`.
 *
 * @example
 * ```ts
 * const w = new Parameter(randn([3, 4]));
 * w.requiresGrad; // true
 * ```
 */
export class Parameter extends Tensor {
  /** Wraps `data` (sharing its storage) as a parameter. */
  constructor(data: Tensor, requiresGrad = true) {
    data.assertAlive('Parameter');
    if (requiresGrad && !isFloatDType(data.dtype)) throw new WebgradError('Parameter', `only floating-point tensors can require gradients, got ${data.dtype}`);
    super(data.dataRef, data.shape, data.dtype);
    this.requiresGrad = requiresGrad;
    this.isKept = true;
  }
}
