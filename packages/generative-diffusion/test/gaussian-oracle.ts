import type { Tensor } from '@webgrad/core-tensor';
import type { DiffusionSchedule, Denoiser } from '@webgrad/generative-diffusion';

/**
 * The exact denoiser for data x ~ N(m, s²) in every coordinate: zₜ = √ᾱₜ x +
 * √(1 − ᾱₜ) ε is jointly Gaussian with x, so
 *
 *   E[x | zₜ] = m + √ᾱₜ s² / (ᾱₜ s² + 1 − ᾱₜ) · (zₜ − √ᾱₜ m),
 *
 * the x-prediction a perfectly trained model would make. Samplers driven by
 * it must return N(m, s²) up to their discretisation error.
 */
export function gaussianDataOracle(schedule: DiffusionSchedule, m: number, s: number): Denoiser {
  return {
    forward(zt: Tensor, t: Tensor): Tensor {
      const rootAbar = schedule.coefficient('sqrtAlphasCumprod', t, zt);
      const abar = rootAbar.square();
      const gain = rootAbar.mul(s * s).div(
        abar
          .mul(s * s)
          .sub(abar)
          .add(1),
      );
      return zt.sub(rootAbar.mul(m)).mul(gain).add(m);
    },
  };
}
