import {
  ArgumentError,
  WebgradError,
  add,
  clamp,
  keep,
  max,
  norm,
  scalar,
  stack,
  type Tensor,
} from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { parameterList, type ParameterSource } from './parameter-source.js';

/**
 * Rescales the gradients of `params` so that their total p-norm is at most
 * `maxNorm`, PyTorch's `clip_grad_norm_`: the total norm is the p-norm of the
 * per-tensor p-norms, ‖(‖g₁‖_p, …, ‖g_k‖_p)‖_p (the largest |g| for
 * p = ∞), and every gradient is multiplied by
 * min(1, maxNorm/(total + 10⁻⁶)). Tensors without a gradient are skipped.
 * Returns the total norm before clipping, as a scalar tensor (nothing is read
 * back from the device unless `errorIfNonfinite`).
 *
 * Clipping keeps the direction of the gradient and bounds the step, the
 * standard remedy for the exploding gradients of recurrent nets.
 *
 * @param normType - p > 0, or `Infinity` (default 2).
 * @param errorIfNonfinite - throw when the total norm is NaN or ±∞ (this reads the norm back, so it needs a backend with synchronous reads, such as the CPU).
 *
 * @example
 * ```ts
 * loss.backward();
 * const total = clipGradNorm(model.parameters(), 1.0);
 * optimizer.step();
 * ```
 */
export function clipGradNorm(
  params: ParameterSource | Tensor,
  maxNorm: number,
  normType = 2,
  errorIfNonfinite = false,
): Tensor {
  if (!(maxNorm >= 0))
    throw new ArgumentError('clipGradNorm', `maxNorm must be a number >= 0, got ${maxNorm}`);
  if (!(normType > 0))
    throw new ArgumentError(
      'clipGradNorm',
      `normType must be a positive number or Infinity, got ${normType}`,
    );
  const withGrad = parameterList(params).filter((p) => p.grad !== null);
  if (withGrad.length === 0) return scalar(0);
  return noGrad(() => {
    const norms = withGrad.map((p) => norm(p.grad!.detach(), normType));
    const stacked = stack(norms);
    const total = normType === Infinity ? max(stacked) : norm(stacked, normType);
    if (errorIfNonfinite && !Number.isFinite(total.item())) {
      throw new WebgradError(
        'clipGradNorm',
        `the total norm of order ${normType} for gradients from params is non-finite, so it cannot be clipped; to scale the gradients by the non-finite norm anyway, pass errorIfNonfinite = false`,
      );
    }
    const coef = clamp(add(total, 1e-6).reciprocal().mul(maxNorm), null, 1);
    for (const p of withGrad) replaceGrad(p, p.grad!.mul(coef.cast(p.grad!.dtype)));
    for (const t of [...norms, stacked, coef]) t.dispose();
    return total;
  });
}

/**
 * Clamps every gradient element of `params` into [−clipValue, clipValue],
 * PyTorch's `clip_grad_value_`. Unlike `clipGradNorm` this changes the
 * gradient's direction.
 */
export function clipGradValue(params: ParameterSource | Tensor, clipValue: number): void {
  if (!(clipValue >= 0))
    throw new ArgumentError('clipGradValue', `clipValue must be a number >= 0, got ${clipValue}`);
  noGrad(() => {
    for (const p of parameterList(params))
      if (p.grad !== null) replaceGrad(p, clamp(p.grad, -clipValue, clipValue));
  });
}

/** Puts `next` in `p.grad` (kept alive beyond any `tidy`, as autograd keeps gradients) and frees the old one. */
function replaceGrad(p: Tensor, next: Tensor): void {
  const old = p.grad;
  p.grad = keep(next);
  if (old && old !== next) old.dispose();
}
