import {
  ArgumentError,
  ShapeError,
  fmtShape,
  isFloatDType,
  DTypeError,
  rand,
  randint,
  randn,
  where,
  type Generator,
  type Tensor,
} from '@webgrad/core-tensor';
import type { Denoiser } from './denoiser.js';
import type { DiffusionSchedule } from './diffusion-schedule.js';
import { checkLabels } from './label-embedding.js';
import { checkPrediction, predictionTarget, type Prediction } from './prediction.js';

/** Options of `diffusionLoss`. */
export interface DiffusionLossOptions {
  /** The noise schedule. */
  schedule: DiffusionSchedule;
  /** What the model predicts (default `'epsilon'`). */
  prediction?: Prediction;
  /** Class labels [B] (int32) for a conditioned denoiser. */
  labels?: Tensor;
  /**
   * Probability of replacing each label by "no label" (classifier-free
   * guidance training, default 0); needs a conditioned denoiser.
   */
  labelDropout?: number;
  /** The random stream for t, ε and the label dropout (default: the default generator). */
  generator?: Generator;
  /** Fixed timesteps [B] (int32) instead of uniform draws (tests, importance sampling). */
  t?: Tensor;
  /** Fixed noise ε shaped like x instead of a draw. */
  noise?: Tensor;
  /** `'mean'` (default): one number; `'none'`: the mean over each example's dimensions, [B]. */
  reduction?: 'mean' | 'none';
}

/**
 * The simplified training loss of Ho et al. (2020): draw t ~ U{0, …, T−1}
 * and ε ~ N(0, I) from the Philox stream (in that order), form
 * zₜ = √ᾱₜ x + √(1 − ᾱₜ) ε, and regress the model's output on the target of
 * the chosen parameterisation:
 *
 *   L = E_{t,ε} ‖target − f_θ(zₜ, t)‖² / D,  target ∈ {ε, x, v = √ᾱₜ ε − √(1 − ᾱₜ) x}.
 *
 * With ε-prediction this is the variational bound with its per-timestep
 * weights dropped. Labels, when given, are replaced by "no label" with
 * probability `labelDropout` (drawn after t and ε) so one network learns the
 * conditional and unconditional models classifier-free guidance combines.
 *
 * @example
 * ```ts
 * import { DiffusionSchedule, MlpDenoiser, diffusionLoss } from '@webgrad/generative-diffusion';
 * import { randn } from '@webgrad/core-tensor';
 * const schedule = DiffusionSchedule.cosine(50);
 * const net = new MlpDenoiser({ dataDim: 2 });
 * const loss = diffusionLoss(net, randn([16, 2]), { schedule, prediction: 'v' });
 * loss.backward();
 * ```
 */
export function diffusionLoss(model: Denoiser, x0: Tensor, options: DiffusionLossOptions): Tensor {
  const { schedule } = options;
  const prediction = checkPrediction('diffusionLoss', options.prediction ?? 'epsilon');
  if (!isFloatDType(x0.dtype))
    throw new DTypeError('diffusionLoss', `expected floating-point data, got ${x0.dtype}`);
  if (x0.rank < 2)
    throw new ShapeError(
      'diffusionLoss',
      `expected data [B, …] with B examples, got ${fmtShape(x0.shape)}`,
    );
  const batch = x0.shape[0]!;
  const backend = x0.backend.name;
  const gen = options.generator ? { generator: options.generator } : {};
  const t = schedule.timesteps(
    'diffusionLoss',
    options.t ?? randint(0, schedule.numTimesteps, [batch], { backend, ...gen }),
    x0,
  );
  const noise = options.noise ?? randn(x0.shape, { dtype: x0.dtype, backend, ...gen });
  if (noise.rank !== x0.rank || !noise.shape.every((d, i) => d === x0.shape[i])) {
    throw new ShapeError(
      'diffusionLoss',
      `noise must have the data's shape ${fmtShape(x0.shape)}, got ${fmtShape(noise.shape)}`,
    );
  }
  const labels = conditioningLabels(model, batch, backend, options);
  const zt = schedule.qSample(x0, t, noise);
  const output = labels === undefined ? model.forward(zt, t) : model.forward(zt, t, labels);
  if (output.rank !== x0.rank || !output.shape.every((d, i) => d === x0.shape[i])) {
    throw new ShapeError(
      'diffusionLoss',
      `the denoiser must return the data's shape ${fmtShape(x0.shape)}, got ${fmtShape(output.shape)}`,
    );
  }
  const perElement = output.sub(predictionTarget(schedule, x0, noise, t, prediction)).square();
  if ((options.reduction ?? 'mean') === 'mean') return perElement.mean();
  return perElement.reshape([batch, -1]).mean(1);
}

/** The labels the model sees: checked, with classifier-free-guidance dropout applied. */
function conditioningLabels(
  model: Denoiser,
  batch: number,
  backend: string,
  options: DiffusionLossOptions,
): Tensor | undefined {
  const p = options.labelDropout ?? 0;
  if (!(p >= 0 && p <= 1))
    throw new ArgumentError('diffusionLoss', `labelDropout must be in [0, 1], got ${p}`);
  const numClasses = model.numClasses ?? 0;
  if (options.labels === undefined) {
    if (p > 0) throw new ArgumentError('diffusionLoss', 'labelDropout needs labels');
    return undefined;
  }
  if (numClasses === 0)
    throw new ArgumentError(
      'diffusionLoss',
      'labels were given but the denoiser is unconditional (numClasses = 0)',
    );
  const labels = checkLabels('diffusionLoss', options.labels, batch, numClasses, backend);
  if (p === 0) return labels;
  const drop = rand([batch], {
    backend,
    ...(options.generator ? { generator: options.generator } : {}),
  }).lt(p);
  return where(drop, numClasses, labels);
}
