import { ArgumentError, type Tensor } from '@webgrad/core-tensor';
import type { DiffusionSchedule, Timesteps } from './diffusion-schedule.js';

/**
 * What the denoiser's output means, for zₜ = √ᾱₜ x + √(1 − ᾱₜ) ε:
 * - `'epsilon'`: the noise ε (Ho et al. 2020);
 * - `'x0'`: the clean data x;
 * - `'v'`: the velocity v = √ᾱₜ ε − √(1 − ᾱₜ) x (Salimans & Ho 2022).
 *
 * Each determines the other two given zₜ, see `estimatesFromOutput`.
 */
export type Prediction = 'epsilon' | 'x0' | 'v';

/** The clean-data and noise estimates one model output implies. */
export interface DenoisedEstimates {
  /** x̂, the estimate of the clean data. */
  x0: Tensor;
  /** ε̂, the estimate of the noise in zₜ. */
  epsilon: Tensor;
}

/** The parameterisations, for validation and iteration. */
export const PREDICTIONS: readonly Prediction[] = ['epsilon', 'x0', 'v'];

/** Throws unless `p` is a `Prediction`. */
export function checkPrediction(op: string, p: string): Prediction {
  if (!(PREDICTIONS as readonly string[]).includes(p)) {
    throw new ArgumentError(
      op,
      `prediction must be one of ${PREDICTIONS.map((x) => `'${x}'`).join(', ')}, got '${p}'`,
    );
  }
  return p as Prediction;
}

/**
 * The regression target of the simplified loss for `prediction`: ε, x, or
 * v = √ᾱₜ ε − √(1 − ᾱₜ) x.
 *
 * @example
 * ```ts
 * import { DiffusionSchedule, predictionTarget } from '@webgrad/generative-diffusion';
 * import { randn } from '@webgrad/core-tensor';
 * const s = DiffusionSchedule.cosine(50);
 * const x = randn([3, 2]);
 * const eps = randn([3, 2]);
 * const v = predictionTarget(s, x, eps, 10, 'v');
 * ```
 */
export function predictionTarget(
  schedule: DiffusionSchedule,
  x0: Tensor,
  epsilon: Tensor,
  t: Timesteps,
  prediction: Prediction,
): Tensor {
  switch (checkPrediction('predictionTarget', prediction)) {
    case 'epsilon':
      return epsilon;
    case 'x0':
      return x0;
    case 'v':
      return epsilon
        .mul(schedule.coefficient('sqrtAlphasCumprod', t, x0))
        .sub(x0.mul(schedule.coefficient('sqrtOneMinusAlphasCumprod', t, x0)));
  }
}

/**
 * x̂ and ε̂ from a model output at (zₜ, t):
 * - ε-prediction: x̂ = (zₜ − √(1 − ᾱₜ) ε̂) / √ᾱₜ;
 * - x-prediction: ε̂ = (zₜ − √ᾱₜ x̂) / √(1 − ᾱₜ);
 * - v-prediction: x̂ = √ᾱₜ zₜ − √(1 − ᾱₜ) v̂ and ε̂ = √(1 − ᾱₜ) zₜ + √ᾱₜ v̂.
 */
export function estimatesFromOutput(
  schedule: DiffusionSchedule,
  zt: Tensor,
  t: Timesteps,
  output: Tensor,
  prediction: Prediction,
): DenoisedEstimates {
  switch (checkPrediction('estimatesFromOutput', prediction)) {
    case 'epsilon':
      return { x0: x0FromEpsilon(schedule, zt, t, output), epsilon: output };
    case 'x0':
      return { x0: output, epsilon: epsilonFromX0(schedule, zt, t, output) };
    case 'v': {
      const a = schedule.coefficient('sqrtAlphasCumprod', t, zt);
      const s = schedule.coefficient('sqrtOneMinusAlphasCumprod', t, zt);
      return { x0: zt.mul(a).sub(output.mul(s)), epsilon: zt.mul(s).add(output.mul(a)) };
    }
  }
}

/** x̂ = (zₜ − √(1 − ᾱₜ) ε̂) / √ᾱₜ. */
export function x0FromEpsilon(
  schedule: DiffusionSchedule,
  zt: Tensor,
  t: Timesteps,
  epsilon: Tensor,
): Tensor {
  return solveForOther(schedule, zt, t, epsilon, 'sqrtOneMinusAlphasCumprod', 'sqrtAlphasCumprod');
}

/** ε̂ = (zₜ − √ᾱₜ x̂) / √(1 − ᾱₜ). */
export function epsilonFromX0(
  schedule: DiffusionSchedule,
  zt: Tensor,
  t: Timesteps,
  x0: Tensor,
): Tensor {
  return solveForOther(schedule, zt, t, x0, 'sqrtAlphasCumprod', 'sqrtOneMinusAlphasCumprod');
}

/** zₜ = a·known + b·other solved for the other: (zₜ − a·known) / b. */
function solveForOther(
  schedule: DiffusionSchedule,
  zt: Tensor,
  t: Timesteps,
  known: Tensor,
  knownWeight: 'sqrtAlphasCumprod' | 'sqrtOneMinusAlphasCumprod',
  otherWeight: 'sqrtAlphasCumprod' | 'sqrtOneMinusAlphasCumprod',
): Tensor {
  return zt
    .sub(known.mul(schedule.coefficient(knownWeight, t, zt)))
    .div(schedule.coefficient(otherWeight, t, zt));
}
