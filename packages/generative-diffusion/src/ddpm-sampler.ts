import type { Tensor } from '@webgrad/core-tensor';
import type { Denoiser } from './denoiser.js';
import type { DiffusionSchedule } from './diffusion-schedule.js';
import { reverseLogVarianceName, type ReverseVariance } from './reverse-variance.js';
import { SamplingRun, type SamplerOptions, type SamplingResult } from './sampling-run.js';

/** Options of `ddpmSample`. */
export interface DdpmSampleOptions extends SamplerOptions {
  /** The reverse-step variance σₜ² (default `'posterior'`, β̃ₜ). */
  variance?: ReverseVariance;
}

/**
 * Ancestral sampling (Ho et al. 2020): start from z_T ~ N(0, I) and for
 * t = T, …, 1 draw z_{t−1} ~ p_θ(z_{t−1} | zₜ) = N(μ_θ, σₜ² I), where μ_θ is
 * the posterior mean with the model's estimate of x plugged in,
 *
 *   μ_θ = c₀ₜ x̂(zₜ, t) + c₁ₜ zₜ = (zₜ − βₜ/√(1 − ᾱₜ) · ε̂) / √αₜ,
 *
 * and no noise is added at the last step (z₀ = μ_θ). T model evaluations
 * (2T with classifier-free guidance, batched as one).
 *
 * @param shape - the sample shape [N, …] (what the denoiser takes).
 *
 * @example
 * ```ts
 * import { DiffusionSchedule, MlpDenoiser, ddpmSample } from '@webgrad/generative-diffusion';
 * const schedule = DiffusionSchedule.cosine(50);
 * const net = new MlpDenoiser({ dataDim: 2 });
 * const { samples } = ddpmSample(net, schedule, [100, 2]); // [100, 2]
 * ```
 */
export function ddpmSample(
  model: Denoiser,
  schedule: DiffusionSchedule,
  shape: readonly number[],
  options: DdpmSampleOptions = {},
): SamplingResult {
  const logVarianceName = reverseLogVarianceName('ddpmSample', options.variance ?? 'posterior');
  const run = new SamplingRun('ddpmSample', model, schedule, shape, options);
  const timesteps: number[] = [];
  for (let t = schedule.numTimesteps - 1; t >= 0; t--) {
    timesteps.push(t);
    run.advance(() => {
      const { x0 } = run.estimates(t);
      const mean: Tensor = schedule.qPosterior(x0, run.z, t).mean;
      if (t === 0) return { next: mean, x0 };
      const sigma = Math.exp(0.5 * schedule[logVarianceName][t]!);
      return { next: mean.add(run.noise().mul(sigma)), x0 };
    });
  }
  return run.finish(timesteps);
}
