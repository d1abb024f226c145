import {
  ArgumentError,
  DTypeError,
  ShapeError,
  fmtShape,
  fromTypedArray,
  full,
  indexSelect,
  isFloatDType,
  keep,
  randn,
  type DType,
  type Generator,
  type Tensor,
} from '@webgrad/core-tensor';
import {
  checkBetas,
  cosineBetas,
  linearBetas,
  type CosineBetasOptions,
  type LinearBetasOptions,
} from './beta-schedules.js';

/**
 * A timestep argument: an int32 tensor [B] of 0-based step indices (index i
 * is the maths' t = i + 1), or one index for the whole batch.
 */
export type Timesteps = Tensor | number;

/** The names of the per-timestep coefficients a schedule holds (see `DiffusionSchedule`). */
export type ScheduleCoefficient =
  | 'betas'
  | 'alphas'
  | 'alphasCumprod'
  | 'alphasCumprodPrev'
  | 'sqrtAlphasCumprod'
  | 'sqrtOneMinusAlphasCumprod'
  | 'posteriorVariance'
  | 'posteriorLogVarianceClipped'
  | 'betaLogVarianceClipped'
  | 'posteriorMeanCoefX0'
  | 'posteriorMeanCoefZt';

/** A Gaussian with per-element mean and (broadcast) variance. */
export interface GaussianParams {
  /** The mean, shaped like the data. */
  mean: Tensor;
  /** The variance, [B, 1, …] (one value per example, broadcast over the data dimensions). */
  variance: Tensor;
  /** log variance, [B, 1, …]. */
  logVariance: Tensor;
}

/** Options of `DiffusionSchedule.qSample`. */
export interface QSampleOptions {
  /** Stream for the noise when none is passed (default: the default generator). */
  generator?: Generator;
}

/**
 * The variance schedule of a diffusion model with everything derived from
 * it, computed in float64 on the host. Timesteps are 0-based indices: index
 * i holds the maths' step t = i + 1, so `alphasCumprod[i]` is ᾱ_{i+1} and
 * `alphasCumprodPrev[0]` is ᾱ₀ = 1.
 *
 * - βₜ, αₜ = 1 − βₜ, ᾱₜ = Π_{s≤t} α_s, ᾱ_{t−1}, √ᾱₜ, √(1 − ᾱₜ);
 * - the posterior q(z_{t−1} | zₜ, x) = N(c₀ₜ x + c₁ₜ zₜ, β̃ₜ I) with
 *   c₀ₜ = √ᾱ_{t−1} βₜ / (1 − ᾱₜ), c₁ₜ = √αₜ (1 − ᾱ_{t−1}) / (1 − ᾱₜ) and
 *   β̃ₜ = βₜ (1 − ᾱ_{t−1}) / (1 − ᾱₜ); β̃₁ = 0, so its clipped log uses β̃₂.
 *
 * The coefficients are turned into tensors on first use, once per backend
 * and dtype (`coefficient`), and kept until `dispose()`.
 *
 * @example
 * ```ts
 * import { DiffusionSchedule } from '@webgrad/generative-diffusion';
 * import { randn, tensor } from '@webgrad/core-tensor';
 * const schedule = DiffusionSchedule.cosine(100);
 * const x0 = randn([4, 2]);
 * const zt = schedule.qSample(x0, tensor([0, 10, 50, 99], { dtype: 'int32' }));
 * ```
 */
export class DiffusionSchedule {
  /** Number of diffusion steps T. */
  readonly numTimesteps: number;
  /** βₜ, the variance added at step t. */
  readonly betas: Float64Array;
  /** αₜ = 1 − βₜ. */
  readonly alphas: Float64Array;
  /** ᾱₜ = Π_{s≤t} α_s, the signal kept after t steps. */
  readonly alphasCumprod: Float64Array;
  /** ᾱ_{t−1} (1 at the first step). */
  readonly alphasCumprodPrev: Float64Array;
  /** √ᾱₜ. */
  readonly sqrtAlphasCumprod: Float64Array;
  /** √(1 − ᾱₜ). */
  readonly sqrtOneMinusAlphasCumprod: Float64Array;
  /** β̃ₜ = βₜ (1 − ᾱ_{t−1}) / (1 − ᾱₜ), the posterior variance (0 at the first step). */
  readonly posteriorVariance: Float64Array;
  /** log β̃ₜ with the first entry replaced by log β̃₂ (β̃₁ = 0 has no log). */
  readonly posteriorLogVarianceClipped: Float64Array;
  /**
   * log βₜ with the first entry replaced by log β̃₂: the log variance of the
   * reverse step when it is fixed to βₜ (Ho et al.'s upper choice), clipped
   * like `posteriorLogVarianceClipped` so that the decoder p(x | z₁) keeps a
   * small variance.
   */
  readonly betaLogVarianceClipped: Float64Array;
  /** c₀ₜ = √ᾱ_{t−1} βₜ / (1 − ᾱₜ), the weight of x in the posterior mean. */
  readonly posteriorMeanCoefX0: Float64Array;
  /** c₁ₜ = √αₜ (1 − ᾱ_{t−1}) / (1 − ᾱₜ), the weight of zₜ in the posterior mean. */
  readonly posteriorMeanCoefZt: Float64Array;
  private readonly _tensors = new Map<string, Tensor>();

  /** Builds the schedule from βₜ (each in (0, 1)); see also `linear`, `cosine`, `fromBetas`. */
  constructor(betas: ArrayLike<number>) {
    const b = checkBetas('DiffusionSchedule', betas);
    const n = b.length;
    this.numTimesteps = n;
    this.betas = b;
    this.alphas = b.map((x) => 1 - x);
    this.alphasCumprod = new Float64Array(n);
    let running = 1;
    for (let i = 0; i < n; i++) this.alphasCumprod[i] = running *= this.alphas[i]!;
    this.alphasCumprodPrev = Float64Array.from({ length: n }, (_, i) =>
      i === 0 ? 1 : this.alphasCumprod[i - 1]!,
    );
    this.sqrtAlphasCumprod = this.alphasCumprod.map(Math.sqrt);
    this.sqrtOneMinusAlphasCumprod = this.alphasCumprod.map((a) => Math.sqrt(1 - a));
    this.posteriorVariance = b.map(
      (beta, i) => (beta * (1 - this.alphasCumprodPrev[i]!)) / (1 - this.alphasCumprod[i]!),
    );
    this.posteriorLogVarianceClipped = this.posteriorVariance.map((v, i) =>
      Math.log(i === 0 ? (n > 1 ? this.posteriorVariance[1]! : b[0]!) : v),
    );
    this.betaLogVarianceClipped = b.map((beta, i) =>
      i === 0 ? this.posteriorLogVarianceClipped[0]! : Math.log(beta),
    );
    this.posteriorMeanCoefX0 = b.map(
      (beta, i) => (Math.sqrt(this.alphasCumprodPrev[i]!) * beta) / (1 - this.alphasCumprod[i]!),
    );
    this.posteriorMeanCoefZt = b.map(
      (_, i) =>
        (Math.sqrt(this.alphas[i]!) * (1 - this.alphasCumprodPrev[i]!)) /
        (1 - this.alphasCumprod[i]!),
    );
  }

  /** The linear schedule (`linearBetas`). */
  static linear(numTimesteps: number, options: LinearBetasOptions = {}): DiffusionSchedule {
    return new DiffusionSchedule(linearBetas(numTimesteps, options));
  }

  /** The cosine schedule of Nichol & Dhariwal (`cosineBetas`). */
  static cosine(numTimesteps: number, options: CosineBetasOptions = {}): DiffusionSchedule {
    return new DiffusionSchedule(cosineBetas(numTimesteps, options));
  }

  /** A schedule from any βₜ (each in (0, 1)). */
  static fromBetas(betas: ArrayLike<number>): DiffusionSchedule {
    return new DiffusionSchedule(betas);
  }

  /**
   * The coefficient `name` at the timesteps `t`, as a tensor [B, 1, …, 1]
   * with the rank, dtype and backend of `like` (so it broadcasts over the
   * data dimensions); for one timestep number, [1, 1, …, 1].
   */
  coefficient(name: ScheduleCoefficient, t: Timesteps, like: Tensor): Tensor {
    if (!isFloatDType(like.dtype)) {
      throw new DTypeError(
        `DiffusionSchedule.${name}`,
        `expected floating-point data, got ${like.dtype}`,
      );
    }
    if (like.rank < 1)
      throw new ShapeError(
        `DiffusionSchedule.${name}`,
        `expected data [B, …], got ${fmtShape(like.shape)}`,
      );
    const ones = like.shape.slice(1).map(() => 1);
    if (typeof t === 'number') {
      // one step for the whole batch (as in the samplers): a broadcast scalar, no gather
      this.checkStep(`DiffusionSchedule.${name}`, t);
      return full([1, ...ones], this[name][t]!, { dtype: like.dtype, backend: like.backend.name });
    }
    const steps = this.timesteps(`DiffusionSchedule.${name}`, t, like);
    const values = indexSelect(this.table(name, like.backend.name, like.dtype), 0, steps);
    return values.reshape([steps.shape[0]!, ...ones]);
  }

  /**
   * The timesteps `t` as an int32 tensor [B] on `like`'s backend: a number is
   * repeated for the B = like.shape[0] examples; a tensor is checked (int32,
   * [B]) and, because indices read outside [0, T) would be silent garbage,
   * read back once on the CPU backend only.
   */
  timesteps(op: string, t: Timesteps, like: Tensor): Tensor {
    const batch = like.shape[0]!;
    if (typeof t === 'number') {
      this.checkStep(op, t);
      return full([batch], t, { dtype: 'int32', backend: like.backend.name });
    }
    if (t.dtype !== 'int32') throw new DTypeError(op, `timesteps must be int32, got ${t.dtype}`);
    if (t.rank !== 1 || t.shape[0] !== batch) {
      throw new ShapeError(
        op,
        `timesteps must be [${batch}] for data ${fmtShape(like.shape)}, got ${fmtShape(t.shape)}`,
      );
    }
    if (t.backend.name === 'cpu') {
      const v = t.dataSync();
      for (const x of v) {
        if (x < 0 || x >= this.numTimesteps)
          throw new ArgumentError(op, `timesteps must be in [0, ${this.numTimesteps}), got ${x}`);
      }
    }
    return t;
  }

  /**
   * One step of the forward chain, q(zₜ | z_{t−1}) = N(√(1 − βₜ) z_{t−1}, βₜ I):
   * zₜ = √αₜ z_{t−1} + √βₜ ε (ε drawn from the stream when not given).
   */
  qStep(zPrev: Tensor, t: Timesteps, noise?: Tensor, options: QSampleOptions = {}): Tensor {
    const eps = this.noiseFor('qStep', zPrev, noise, options);
    const sqrtAlpha = this.coefficient('alphas', t, zPrev).sqrt();
    const sqrtBeta = this.coefficient('betas', t, zPrev).sqrt();
    return zPrev.mul(sqrtAlpha).add(eps.mul(sqrtBeta));
  }

  /** The marginal q(zₜ | x) = N(√ᾱₜ x, (1 − ᾱₜ) I) in closed form. */
  qMeanVariance(x0: Tensor, t: Timesteps): GaussianParams {
    const variance = this.coefficient('sqrtOneMinusAlphasCumprod', t, x0).square();
    return {
      mean: x0.mul(this.coefficient('sqrtAlphasCumprod', t, x0)),
      variance,
      logVariance: variance.log(),
    };
  }

  /**
   * A draw from q(zₜ | x): zₜ = √ᾱₜ x + √(1 − ᾱₜ) ε, with ε ~ N(0, I) from the
   * stream when `noise` is not given.
   */
  qSample(x0: Tensor, t: Timesteps, noise?: Tensor, options: QSampleOptions = {}): Tensor {
    const eps = this.noiseFor('qSample', x0, noise, options);
    return x0
      .mul(this.coefficient('sqrtAlphasCumprod', t, x0))
      .add(eps.mul(this.coefficient('sqrtOneMinusAlphasCumprod', t, x0)));
  }

  /**
   * The posterior q(z_{t−1} | zₜ, x) = N(c₀ₜ x + c₁ₜ zₜ, β̃ₜ I), in closed
   * form (Bayes' rule on two Gaussians). `logVariance` is the clipped one.
   */
  qPosterior(x0: Tensor, zt: Tensor, t: Timesteps): GaussianParams {
    if (!x0.shape.every((d, i) => d === zt.shape[i]) || x0.rank !== zt.rank) {
      throw new ShapeError(
        'qPosterior',
        `x0 and zt must have the same shape, got ${fmtShape(x0.shape)} and ${fmtShape(zt.shape)}`,
      );
    }
    const mean = x0
      .mul(this.coefficient('posteriorMeanCoefX0', t, x0))
      .add(zt.mul(this.coefficient('posteriorMeanCoefZt', t, zt)));
    return {
      mean,
      variance: this.coefficient('posteriorVariance', t, x0),
      logVariance: this.coefficient('posteriorLogVarianceClipped', t, x0),
    };
  }

  /** Frees the coefficient tensors made so far (they are made again on next use). */
  dispose(): void {
    for (const t of this._tensors.values()) t.dispose();
    this._tensors.clear();
  }

  private checkStep(op: string, t: number): void {
    if (!Number.isInteger(t) || t < 0 || t >= this.numTimesteps) {
      throw new ArgumentError(
        op,
        `timestep must be an integer in [0, ${this.numTimesteps}), got ${t}`,
      );
    }
  }

  private table(name: ScheduleCoefficient, backend: string, dtype: DType): Tensor {
    const key = `${name}/${backend}/${dtype}`;
    let t = this._tensors.get(key);
    if (t === undefined || t.isDisposed) {
      const host = this[name];
      const values = dtype === 'float64' ? Float64Array.from(host) : Float32Array.from(host);
      t = keep(fromTypedArray(values, [host.length], { backend, dtype }));
      this._tensors.set(key, t);
    }
    return t;
  }

  private noiseFor(
    op: string,
    like: Tensor,
    noise: Tensor | undefined,
    options: QSampleOptions,
  ): Tensor {
    if (noise === undefined) {
      return randn(like.shape, {
        dtype: like.dtype,
        backend: like.backend.name,
        ...(options.generator ? { generator: options.generator } : {}),
      });
    }
    if (noise.rank !== like.rank || !noise.shape.every((d, i) => d === like.shape[i])) {
      throw new ShapeError(
        op,
        `noise must have the data's shape ${fmtShape(like.shape)}, got ${fmtShape(noise.shape)}`,
      );
    }
    return noise;
  }
}
