import { tidy, type Generator, type Tensor } from '@webgrad/core-tensor';
import { Module } from '@webgrad/nn';
import { ddimSample, type DdimSampleOptions } from './ddim-sampler.js';
import { ddpmSample, type DdpmSampleOptions } from './ddpm-sampler.js';
import type { Denoiser } from './denoiser.js';
import { diffusionLoss } from './diffusion-loss.js';
import type { DiffusionSchedule } from './diffusion-schedule.js';
import { checkPrediction, type Prediction } from './prediction.js';
import { reverseLogVarianceName, type ReverseVariance } from './reverse-variance.js';
import type { SamplingResult } from './sampling-run.js';
import {
  variationalBound,
  type VariationalBound,
  type VariationalBoundOptions,
} from './variational-bound.js';

/** A denoiser that is also a module (its parameters are trained). */
export type DenoiserModule = Module<[Tensor, Tensor, Tensor?], Tensor> & Denoiser;

/** Options of `DDPM`. */
export interface DDPMOptions {
  /** What the denoiser predicts (default `'epsilon'`). */
  prediction?: Prediction;
  /** The reverse-step variance for ancestral sampling and the bound (default `'posterior'`). */
  variance?: ReverseVariance;
  /** Clip x̂ to [−1, 1] while sampling (default false; set it for images scaled to [−1, 1]). */
  clipDenoised?: boolean;
}

/** What `DDPM.trainStep` needs from an optimizer (any `@webgrad/optim` optimizer has it). */
export interface StepOptimizer {
  /** Clears the gradients. */
  zeroGrad(): void;
  /** Updates the parameters from their gradients. */
  step(): unknown;
}

/** Options of `DDPM.loss` and `DDPM.trainStep`. */
export interface DDPMLossOptions {
  /** Class labels [B] (int32) for a conditioned denoiser. */
  labels?: Tensor;
  /** Probability of dropping each label (classifier-free guidance training, default 0). */
  labelDropout?: number;
  /** The random stream (default: the default generator). */
  generator?: Generator;
}

/**
 * A denoising diffusion probabilistic model (Ho et al. 2020): a denoiser, a
 * noise schedule and the choices that tie them together, with the training
 * loss, a training step, DDPM and DDIM sampling and the variational bound.
 * It is a module whose only child is the denoiser (`model.*` in the state
 * dict).
 *
 * @example
 * ```ts
 * import { DDPM, DiffusionSchedule, MlpDenoiser } from '@webgrad/generative-diffusion';
 * import { Adam } from '@webgrad/optim';
 * import { twoMoons } from '@webgrad/data';
 * const ddpm = new DDPM(new MlpDenoiser({ dataDim: 2 }), DiffusionSchedule.cosine(50));
 * const adam = new Adam(ddpm.parameters(), { lr: 1e-3 });
 * const { points } = twoMoons({ numSamples: 256, noise: 0.05 });
 * for (let i = 0; i < 10; i++) await ddpm.trainStep(adam, points);
 * const { samples } = ddpm.sampleDdim([100, 2], { steps: 10 });
 * ```
 */
export class DDPM<M extends DenoiserModule = DenoiserModule> extends Module<
  [Tensor, Tensor, Tensor?],
  Tensor
> {
  /** The denoiser. */
  model: M;
  /** The options with defaults filled in. */
  readonly options: Required<DDPMOptions>;
  private readonly _schedule: DiffusionSchedule;

  /** Ties `model` to `schedule`. */
  constructor(model: M, schedule: DiffusionSchedule, options: DDPMOptions = {}) {
    super();
    this.model = model;
    this._schedule = schedule;
    this.options = {
      prediction: checkPrediction('DDPM', options.prediction ?? 'epsilon'),
      variance: options.variance ?? 'posterior',
      clipDenoised: options.clipDenoised ?? false,
    };
    reverseLogVarianceName('DDPM', this.options.variance);
  }

  /** The noise schedule. */
  get schedule(): DiffusionSchedule {
    return this._schedule;
  }

  /** The denoiser's output at (zₜ, t, labels). */
  forward(zt: Tensor, t: Tensor, labels?: Tensor): Tensor {
    return labels === undefined ? this.model.forward(zt, t) : this.model.forward(zt, t, labels);
  }

  /** The simplified loss on a batch x (see `diffusionLoss`). */
  loss(x0: Tensor, options: DDPMLossOptions = {}): Tensor {
    return diffusionLoss(this.model, x0, {
      ...options,
      schedule: this._schedule,
      prediction: this.options.prediction,
    });
  }

  /**
   * One optimisation step on the batch x: zero the gradients, backpropagate
   * the loss, update; resolves to the loss (read back asynchronously, so it
   * works on WebGPU too).
   */
  async trainStep(
    optimizer: StepOptimizer,
    x0: Tensor,
    options: DDPMLossOptions = {},
  ): Promise<number> {
    const loss = tidy(() => {
      optimizer.zeroGrad();
      const l = this.loss(x0, options);
      l.backward();
      optimizer.step();
      return l.detach();
    });
    try {
      return await loss.itemAsync();
    } finally {
      loss.dispose();
    }
  }

  /** Ancestral sampling with the model's settings, on its parameters' backend (see `ddpmSample`). */
  sample(shape: readonly number[], options: DdpmSampleOptions = {}): SamplingResult {
    return this.evaluating(() =>
      ddpmSample(this.model, this._schedule, shape, { ...this.samplerDefaults(), ...options }),
    );
  }

  /** DDIM sampling with the model's settings, on its parameters' backend (see `ddimSample`). */
  sampleDdim(shape: readonly number[], options: DdimSampleOptions = {}): SamplingResult {
    return this.evaluating(() =>
      ddimSample(this.model, this._schedule, shape, { ...this.samplerDefaults(), ...options }),
    );
  }

  /** The variational bound in bits per dimension (see `variationalBound`). */
  bound(
    x0: Tensor,
    options: Omit<VariationalBoundOptions, 'schedule' | 'prediction' | 'variance'> = {},
  ): VariationalBound {
    return this.evaluating(() =>
      variationalBound(this.model, x0, {
        ...options,
        schedule: this._schedule,
        prediction: this.options.prediction,
        variance: this.options.variance,
      }),
    );
  }

  /** `prediction='…', variance='…', timesteps=…` */
  override extraRepr(): string {
    return `prediction='${this.options.prediction}', variance='${this.options.variance}', timesteps=${this._schedule.numTimesteps}`;
  }

  /** The model's settings, and its parameters' backend for the samples. */
  private samplerDefaults(): DdpmSampleOptions {
    const backend = this.parameters()[0]?.backend.name;
    return {
      prediction: this.options.prediction,
      variance: this.options.variance,
      clipDenoised: this.options.clipDenoised,
      ...(backend !== undefined ? { backend } : {}),
    };
  }

  /** Runs `fn` in evaluation mode (dropout off) and restores the previous mode. */
  private evaluating<T>(fn: () => T): T {
    const wasTraining = this.training;
    this.eval();
    try {
      return fn();
    } finally {
      this.train(wasTraining);
    }
  }
}
