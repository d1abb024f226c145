import {
  ShapeError,
  WebgradError,
  fmtShape,
  ones,
  reciprocal,
  rsqrt,
  scalar,
  sub,
  zeros,
  type Tensor,
} from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { Module, Parameter } from '@webgrad/nn';
import { checkEps, type FloatDType } from './norm-options.js';
import { pyBool, pyFloat } from './python-repr.js';

/** Options of `batchNorm`, PyTorch's `F.batch_norm` arguments. */
export interface BatchNormFunctionOptions {
  /** Scale γ, [C] (default none: γ = 1). */
  weight?: Tensor | null;
  /** Shift β, [C] (default none: β = 0). */
  bias?: Tensor | null;
  /** Use the batch's statistics (and update the running ones, when given); else normalise with the running statistics. */
  training?: boolean;
  /** Weight of the new batch in the running averages (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * Batch normalisation (Ioffe & Szegedy 2015), PyTorch's `F.batch_norm`, over
 * input [N, C, *]: per channel c,
 *
 *   y = γ_c · (x − μ_c)/√(σ²_c + ε) + β_c.
 *
 * In training μ_c and σ²_c are the batch's mean and **biased** variance
 * (divided by m, the N·L values of channel c), and gradients flow through
 * them; the running statistics, when given, are updated in place with the
 * **unbiased** variance:
 *
 *   r_μ ← (1 − momentum)·r_μ + momentum·μ,  r_σ² ← (1 − momentum)·r_σ² + momentum·σ²·m/(m − 1).
 *
 * Otherwise μ_c and σ²_c are the running statistics (eval mode).
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  options: BatchNormFunctionOptions = {},
): Tensor {
  return batchNormWithFactor(x, runningMean, runningVar, options, options.momentum ?? 0.1);
}

/**
 * `batchNorm` with the running-average factor as a number or a scalar tensor
 * (the cumulative average's 1/num_batches_tracked stays on the device).
 */
function batchNormWithFactor(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  options: BatchNormFunctionOptions,
  factor: number | Tensor,
): Tensor {
  const training = options.training ?? false;
  const eps = checkEps('batchNorm', options.eps ?? 1e-5);
  if (x.rank < 2)
    throw new ShapeError('batchNorm', `expected input [N, C, *], got ${fmtShape(x.shape)}`);
  const c = x.shape[1]!;
  const given = {
    runningMean,
    runningVar,
    weight: options.weight ?? null,
    bias: options.bias ?? null,
  };
  for (const [name, t] of Object.entries(given)) {
    if (t && (t.rank !== 1 || t.shape[0] !== c))
      throw new ShapeError(
        'batchNorm',
        `${name} should be [${c}] for input ${fmtShape(x.shape)}, got ${fmtShape(t.shape)}`,
      );
  }
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const perChannel = [1, c, ...x.shape.slice(2).map(() => 1)];
  let normalized: Tensor;
  if (training || runningMean === null || runningVar === null) {
    const m = x.size / c;
    if (m <= 1)
      throw new WebgradError(
        'batchNorm',
        `expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}`,
      );
    const mean = x.mean(axes, true);
    const centered = x.sub(mean);
    const biasedVar = centered.square().mean(axes, true);
    normalized = centered.mul(rsqrt(biasedVar.add(eps)));
    if (training && runningMean && runningVar) {
      noGrad(() => {
        updateRunningAverage(runningMean, mean.reshape([c]), factor);
        updateRunningAverage(runningVar, biasedVar.reshape([c]).mul(m / (m - 1)), factor);
      });
    }
  } else {
    normalized = x
      .sub(runningMean.reshape(perChannel))
      .mul(rsqrt(runningVar.reshape(perChannel).add(eps)));
  }
  if (given.weight) normalized = normalized.mul(given.weight.reshape(perChannel));
  if (given.bias) normalized = normalized.add(given.bias.reshape(perChannel));
  return normalized;
}

/** r ← (1 − f)·r + f·value, in place (a buffer). */
function updateRunningAverage(running: Tensor, value: Tensor, factor: number | Tensor): void {
  const keep = typeof factor === 'number' ? 1 - factor : sub(1, factor);
  const next = running.mul(keep).add(value.detach().mul(factor)).cast(running.dtype);
  running.assign_(next);
  next.dispose();
}

/** Options of `BatchNorm1d` and `BatchNorm2d` (PyTorch's, in camelCase). */
export interface BatchNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of each new batch in the running averages (default 0.1); `null` for the cumulative average over all batches so far. */
  momentum?: number | null;
  /** Learn a per-channel scale `weight` (γ, init 1) and shift `bias` (β, init 0) (default true). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true); without them eval mode uses batch statistics too. */
  trackRunningStats?: boolean;
  /** Dtype of parameters and buffers (default float32). */
  dtype?: FloatDType;
}

/**
 * The shared part of `BatchNorm1d` and `BatchNorm2d` (PyTorch's `_BatchNorm`):
 * parameters `weight` and `bias`, buffers `running_mean` (init 0),
 * `running_var` (init 1) and `num_batches_tracked` (int32 count), with
 * PyTorch's names so state dicts move both ways.
 */
export abstract class BatchNormBase extends Module<[Tensor], Tensor> {
  /** γ, [C] (null without `affine`). */
  weight: Parameter | null;
  /** β, [C] (null without `affine`). */
  bias: Parameter | null;
  /** The running mean, [C] (null without `trackRunningStats`). */
  declare running_mean: Tensor | null;
  /** The running (unbiased) variance, [C] (null without `trackRunningStats`). */
  declare running_var: Tensor | null;
  /** Number of training batches seen, an int32 scalar (null without `trackRunningStats`). */
  declare num_batches_tracked: Tensor | null;
  /** The options with their defaults filled in. */
  readonly options: Required<BatchNormOptions>;

  /** Creates the layer for `numFeatures` channels. */
  protected constructor(
    readonly numFeatures: number,
    options: BatchNormOptions,
  ) {
    super();
    const name = this.constructor.name;
    if (!Number.isInteger(numFeatures) || numFeatures < 1)
      throw new WebgradError(name, `numFeatures must be a positive integer, got ${numFeatures}`);
    this.options = {
      eps: checkEps(name, options.eps ?? 1e-5),
      momentum: options.momentum === undefined ? 0.1 : options.momentum,
      affine: options.affine ?? true,
      trackRunningStats: options.trackRunningStats ?? true,
      dtype: options.dtype ?? 'float32',
    };
    const { momentum, dtype } = this.options;
    if (momentum !== null && !(momentum >= 0 && momentum <= 1))
      throw new WebgradError(name, `momentum must be in [0, 1] or null, got ${momentum}`);
    this.weight = this.options.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.options.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const track = this.options.trackRunningStats;
    this.registerBuffer('running_mean', track ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('running_var', track ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer('num_batches_tracked', track ? scalar(0, { dtype: 'int32' }) : null);
  }

  /** Throws unless `x` has the rank this layer takes. */
  protected abstract checkInput(x: Tensor): void;

  /** Normalises with batch statistics in training mode, running statistics in eval mode. */
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    if (x.shape[1] !== this.numFeatures) {
      throw new ShapeError(
        this.constructor.name,
        `expected ${this.numFeatures} channels (axis 1), got input ${fmtShape(x.shape)}`,
      );
    }
    let factor: number | Tensor = this.options.momentum ?? 0;
    if (this.training && this.num_batches_tracked) {
      // counted on the device, so training never waits for a read-back
      const count = this.num_batches_tracked.add(1).cast('int32');
      this.num_batches_tracked.assign_(count);
      count.dispose();
      if (this.options.momentum === null)
        factor = reciprocal(this.num_batches_tracked.cast(this.options.dtype));
    }
    return batchNormWithFactor(
      x,
      this.running_mean,
      this.running_var,
      {
        weight: this.weight,
        bias: this.bias,
        training: this.training || this.running_mean === null,
        eps: this.options.eps,
      },
      factor,
    );
  }

  /** `4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True` */
  override extraRepr(): string {
    const { eps, momentum, affine, trackRunningStats } = this.options;
    return `${this.numFeatures}, eps=${pyFloat(eps)}, momentum=${momentum === null ? 'None' : pyFloat(momentum)}, affine=${pyBool(affine)}, track_running_stats=${pyBool(trackRunningStats)}`;
  }
}

/**
 * Batch normalisation over [N, C] or [N, C, L] input, PyTorch's
 * `nn.BatchNorm1d`: statistics per channel over the batch (and length).
 *
 * @example
 * ```ts
 * const bn = new BatchNorm1d(4);
 * const y = bn.forward(randn([8, 4]));   // each column: mean 0, variance ≈ 1
 * bn.running_mean;                        // 0.1 · batch mean
 * bn.eval().forward(randn([2, 4]));      // normalised with the running statistics
 * ```
 */
export class BatchNorm1d extends BatchNormBase {
  /** Creates the layer (`eps` 1e-5, `momentum` 0.1, `affine`, `trackRunningStats` by default). */
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options);
  }

  /** [N, C] or [N, C, L]. */
  protected checkInput(x: Tensor): void {
    if (x.rank !== 2 && x.rank !== 3)
      throw new ShapeError(
        'BatchNorm1d',
        `expected 2D or 3D input [N, C] or [N, C, L], got ${x.rank}D input ${fmtShape(x.shape)}`,
      );
  }
}

/**
 * Batch normalisation over [N, C, H, W] input, PyTorch's `nn.BatchNorm2d`:
 * statistics per channel over the batch and both spatial axes.
 */
export class BatchNorm2d extends BatchNormBase {
  /** Creates the layer (`eps` 1e-5, `momentum` 0.1, `affine`, `trackRunningStats` by default). */
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options);
  }

  /** [N, C, H, W]. */
  protected checkInput(x: Tensor): void {
    if (x.rank !== 4)
      throw new ShapeError(
        'BatchNorm2d',
        `expected 4D input [N, C, H, W], got ${x.rank}D input ${fmtShape(x.shape)}`,
      );
  }
}
