import { ArgumentError } from '@webgrad/core-tensor';
import type { Denoiser } from './denoiser.js';
import type { DiffusionSchedule } from './diffusion-schedule.js';
import { SamplingRun, type SamplerOptions, type SamplingResult } from './sampling-run.js';

/** Options of `ddimSample`. */
export interface DdimSampleOptions extends SamplerOptions {
  /** Number of steps S ≤ T (default T): the timesteps are S evenly spaced indices from T−1 down to 0. */
  steps?: number;
  /** η: 0 (default) is deterministic DDIM; 1 with S = T is ancestral DDPM with σₜ² = β̃ₜ. */
  eta?: number;
}

/**
 * DDIM sampling (Song et al. 2021) on a subsequence τ₁ < … < τ_S of the
 * timesteps: from z_{τᵢ}, with the model's x̂ and ε̂ and ᾱ' = ᾱ_{τᵢ₋₁}
 * (ᾱ' = 1 after the last step),
 *
 *   z_{τᵢ₋₁} = √ᾱ' x̂ + √(1 − ᾱ' − σᵢ²) ε̂ + σᵢ ε,
 *   σᵢ = η √((1 − ᾱ')/(1 − ᾱ_{τᵢ})) √(1 − ᾱ_{τᵢ}/ᾱ').
 *
 * With η = 0 the map from z_T to the sample is deterministic (an
 * Euler-like discretisation of the probability-flow ODE) and few steps
 * suffice; the model trained for T steps is used unchanged.
 *
 * @param shape - the sample shape [N, …].
 *
 * @example
 * ```ts
 * import { DiffusionSchedule, MlpDenoiser, ddimSample } from '@webgrad/generative-diffusion';
 * const schedule = DiffusionSchedule.cosine(100);
 * const net = new MlpDenoiser({ dataDim: 2 });
 * const { samples, timesteps } = ddimSample(net, schedule, [64, 2], { steps: 10 }); // timesteps 99, 88, …, 0
 * ```
 */
export function ddimSample(
  model: Denoiser,
  schedule: DiffusionSchedule,
  shape: readonly number[],
  options: DdimSampleOptions = {},
): SamplingResult {
  const eta = options.eta ?? 0;
  if (!(eta >= 0)) throw new ArgumentError('ddimSample', `eta must be >= 0, got ${eta}`);
  const tau = ddimTimesteps(schedule.numTimesteps, options.steps ?? schedule.numTimesteps);
  const run = new SamplingRun('ddimSample', model, schedule, shape, options);
  const abar = schedule.alphasCumprod;
  const visited: number[] = [];
  for (let i = tau.length - 1; i >= 0; i--) {
    const t = tau[i]!;
    visited.push(t);
    const aT = abar[t]!;
    const aPrev = i > 0 ? abar[tau[i - 1]!]! : 1;
    const sigma = eta * Math.sqrt((1 - aPrev) / (1 - aT)) * Math.sqrt(1 - aT / aPrev);
    run.advance(() => {
      const { x0, epsilon } = run.estimates(t);
      const direction = Math.sqrt(Math.max(1 - aPrev - sigma * sigma, 0));
      const next = x0.mul(Math.sqrt(aPrev)).add(epsilon.mul(direction));
      return { next: sigma > 0 ? next.add(run.noise().mul(sigma)) : next, x0 };
    });
  }
  return run.finish(visited);
}

/**
 * The S timesteps DDIM visits, ascending: round(k (T − 1)/(S − 1)) for
 * k = 0…S−1, so the first is 0 and the last T − 1 (distinct because the
 * spacing is at least 1).
 */
export function ddimTimesteps(numTimesteps: number, steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 1 || steps > numTimesteps) {
    throw new ArgumentError(
      'ddimSample',
      `steps must be an integer in [1, ${numTimesteps}], got ${steps}`,
    );
  }
  if (steps === 1) return [numTimesteps - 1];
  return Array.from({ length: steps }, (_, k) =>
    Math.round((k * (numTimesteps - 1)) / (steps - 1)),
  );
}
