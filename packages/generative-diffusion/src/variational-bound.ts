import {
  ArgumentError,
  DTypeError,
  ShapeError,
  clamp,
  fmtShape,
  full,
  isFloatDType,
  randn,
  stack,
  tidy,
  zerosLike,
  type Generator,
  type Tensor,
} from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import type { Denoiser } from './denoiser.js';
import type { DiffusionSchedule } from './diffusion-schedule.js';
import {
  discretizedGaussianLogLikelihood,
  gaussianLogLikelihood,
} from './gaussian-log-likelihood.js';
import { guidedOutput, type GuidanceOptions } from './guided-output.js';
import { normalKl } from './normal-kl.js';
import { checkPrediction, estimatesFromOutput, type Prediction } from './prediction.js';
import { reverseLogVarianceName, type ReverseVariance } from './reverse-variance.js';

/** Options of `variationalBound`. */
export interface VariationalBoundOptions extends GuidanceOptions {
  /** The noise schedule. */
  schedule: DiffusionSchedule;
  /** What the model predicts (default `'epsilon'`). */
  prediction?: Prediction;
  /** The reverse-step variance (default `'posterior'`). */
  variance?: ReverseVariance;
  /**
   * The decoder p(x | z₁): `'discretized'` (default) for data on a grid of
   * `levels` values in [−1, 1], giving the bound on the log-probability of
   * discrete data; `'gaussian'` for continuous data, giving a bound on the
   * negative log density (which can be negative).
   */
  decoder?: 'discretized' | 'gaussian';
  /** Values per dimension of discretised data (default 256, 8-bit). */
  levels?: number;
  /** Clip x̂ to [−1, 1] before forming the reverse mean (default false). */
  clipDenoised?: boolean;
  /** The random stream of the zₜ draws (default: the default generator). */
  generator?: Generator;
}

/** The variational bound of each example, every term in bits per dimension. */
export interface VariationalBound {
  /** L = L_T + Σ L_{t−1} + L₀ per example, [B]: an upper bound on −log₂ p_θ(x) / D. */
  total: Tensor;
  /** L_T = KL(q(z_T | x) ‖ N(0, I)) per example, [B] (no parameters; ≈ 0 when ᾱ_T ≈ 0). */
  prior: Tensor;
  /**
   * The terms per example and timestep, [B, T]. Column 0 is the decoder term L₀ = −log p_θ(x | z₁); column i ≥ 1
   * is KL(q(zᵢ | zᵢ₊₁, x) ‖ p_θ(zᵢ | zᵢ₊₁)) with zᵢ₊₁ ~ q(zᵢ₊₁ | x), i.e.
   * the maths' L_{t−1} at step t = i + 1.
   */
  terms: Tensor;
}

/**
 * The variational bound on the negative log-likelihood (Sohl-Dickstein et
 * al. 2015; Ho et al. 2020, eq. 5), in bits per dimension:
 *
 *   −log p_θ(x) ≤ KL(q(z_T|x) ‖ p(z_T)) + Σ_{t=2}^{T} E_q KL(q(z_{t−1}|zₜ, x) ‖ p_θ(z_{t−1}|zₜ)) − E_q log p_θ(x|z₁).
 *
 * Each KL is between two Gaussians with the same isotropic form, so it is
 * closed form; the expectation over zₜ ~ q(zₜ | x) is estimated with one
 * draw per example and timestep (T model evaluations of the batch). Terms
 * are divided by D ln 2 (D = dimensions per example).
 *
 * @example
 * ```ts
 * import { DiffusionSchedule, MlpDenoiser, variationalBound } from '@webgrad/generative-diffusion';
 * import { randn } from '@webgrad/core-tensor';
 * const schedule = DiffusionSchedule.linear(50);
 * const net = new MlpDenoiser({ dataDim: 2 });
 * const { total } = variationalBound(net, randn([8, 2]), { schedule, decoder: 'gaussian' }); // [8] bits/dim
 * ```
 */
export function variationalBound(
  model: Denoiser,
  x0: Tensor,
  options: VariationalBoundOptions,
): VariationalBound {
  const { schedule } = options;
  const prediction = checkPrediction('variationalBound', options.prediction ?? 'epsilon');
  const logVarName = reverseLogVarianceName('variationalBound', options.variance ?? 'posterior');
  const decoder = options.decoder ?? 'discretized';
  if (decoder !== 'discretized' && decoder !== 'gaussian') {
    throw new ArgumentError(
      'variationalBound',
      `decoder must be 'discretized' or 'gaussian', got '${String(decoder)}'`,
    );
  }
  const levels = options.levels ?? 256;
  if (!isFloatDType(x0.dtype))
    throw new DTypeError('variationalBound', `expected floating-point data, got ${x0.dtype}`);
  if (x0.rank < 2)
    throw new ShapeError('variationalBound', `expected data [B, …], got ${fmtShape(x0.shape)}`);
  const batch = x0.shape[0]!;
  const bitsPerDim = 1 / ((x0.size / batch) * Math.LN2);
  const perExample = (elementwise: Tensor): Tensor =>
    elementwise.reshape([batch, -1]).sum(1).mul(bitsPerDim);
  return noGrad(() =>
    tidy(() => {
      const columns: Tensor[] = [];
      for (let t = 0; t < schedule.numTimesteps; t++) {
        columns.push(
          tidy(() => {
            const noise = randn(x0.shape, {
              dtype: x0.dtype,
              backend: x0.backend.name,
              ...(options.generator ? { generator: options.generator } : {}),
            });
            const zt = schedule.qSample(x0, t, noise);
            const steps = full([batch], t, { dtype: 'int32', backend: x0.backend.name });
            let { x0: xHat } = estimatesFromOutput(
              schedule,
              zt,
              t,
              guidedOutput(model, zt, steps, options),
              prediction,
            );
            if (options.clipDenoised) xHat = clamp(xHat, -1, 1);
            const modelMean = schedule.qPosterior(xHat, zt, t).mean;
            const modelLogVar = schedule.coefficient(logVarName, t, x0);
            if (t === 0) {
              const logLik =
                decoder === 'discretized'
                  ? discretizedGaussianLogLikelihood(x0, modelMean, modelLogVar, levels)
                  : gaussianLogLikelihood(x0, modelMean, modelLogVar);
              return perExample(logLik.neg());
            }
            const q = schedule.qPosterior(x0, zt, t);
            return perExample(normalKl(q.mean, q.logVariance, modelMean, modelLogVar));
          }),
        );
      }
      const terms = stack(columns, 1);
      const last = schedule.numTimesteps - 1;
      const qT = schedule.qMeanVariance(x0, last);
      const zero = zerosLike(qT.mean);
      const prior = perExample(normalKl(qT.mean, qT.logVariance, zero, zero));
      return { total: terms.sum(1).add(prior), prior, terms };
    }),
  );
}
