import type { Tensor } from '@webgrad/core-tensor';

/**
 * KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) elementwise, from means and log variances:
 *
 *   ½ (log σ₂² − log σ₁² + σ₁²/σ₂² + (μ₁ − μ₂)²/σ₂² − 1).
 *
 * Arguments broadcast against each other; the result is in nats.
 *
 * @example
 * ```ts
 * import { normalKl } from '@webgrad/generative-diffusion';
 * import { tensor } from '@webgrad/core-tensor';
 * normalKl(tensor([1]), tensor([0]), tensor([0]), tensor([0])).item(); // 0.5
 * ```
 */
export function normalKl(mean1: Tensor, logVar1: Tensor, mean2: Tensor, logVar2: Tensor): Tensor {
  return logVar2
    .sub(logVar1)
    .add(logVar1.sub(logVar2).exp())
    .add(mean1.sub(mean2).square().mul(logVar2.neg().exp()))
    .sub(1)
    .mul(0.5);
}
