import {
  ArgumentError,
  ShapeError,
  clamp,
  fmtShape,
  full,
  randn,
  tidy,
  type Generator,
  type Tensor,
} from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import type { Denoiser } from './denoiser.js';
import type { DiffusionSchedule } from './diffusion-schedule.js';
import { guidedOutput, type GuidanceOptions } from './guided-output.js';
import {
  checkPrediction,
  epsilonFromX0,
  estimatesFromOutput,
  type DenoisedEstimates,
  type Prediction,
} from './prediction.js';

/** Options every sampler shares. */
export interface SamplerOptions extends GuidanceOptions {
  /** What the model predicts (default `'epsilon'`). */
  prediction?: Prediction;
  /**
   * Clip the estimate x̂ of the clean data to a range at every step
   * (`true`: [−1, 1], the range image data is scaled to; default false).
   */
  clipDenoised?: boolean | readonly [number, number];
  /** The random stream for the starting noise and each step's noise (default: the default generator). */
  generator?: Generator;
  /** The starting point z_T (default: drawn from N(0, I) with the given shape). */
  noise?: Tensor;
  /** Keep every intermediate state and x̂ estimate (for pictures of the denoising sequence). */
  returnTrajectory?: boolean;
  /** Backend of the samples (default: the active one, or the backend of `noise`). */
  backend?: string;
  /** dtype of the samples (default float32, or that of `noise`). */
  dtype?: 'float32' | 'float64';
}

/** What a sampler returns. */
export interface SamplingResult {
  /** The samples z₀, shaped as requested. */
  samples: Tensor;
  /** The 0-based timesteps visited, from the first step to the last (T−1 … 0 for DDPM). */
  timesteps: number[];
  /** With `returnTrajectory`: the states z_T, then the state after each step (the last is `samples`). */
  trajectory?: Tensor[];
  /** With `returnTrajectory`: the estimate x̂ made at each step. */
  predictedX0?: Tensor[];
}

/**
 * The bookkeeping a sampler loop shares: the starting noise, the model's
 * (guided, optionally clipped) estimates at each step, the trajectory, and
 * freeing each step's intermediates.
 */
export class SamplingRun {
  /** The current state zₜ. */
  z: Tensor;
  private readonly trajectory: Tensor[] = [];
  private readonly predictedX0: Tensor[] = [];
  private readonly prediction: Prediction;
  private readonly clip: readonly [number, number] | null;

  /** Draws (or takes) z_T and checks the options, in the name of the sampler `op`. */
  constructor(
    readonly op: string,
    readonly model: Denoiser,
    readonly schedule: DiffusionSchedule,
    shape: readonly number[],
    readonly options: SamplerOptions,
  ) {
    this.prediction = checkPrediction(op, options.prediction ?? 'epsilon');
    const c = options.clipDenoised ?? false;
    this.clip = c === true ? [-1, 1] : c === false ? null : c;
    if (this.clip && !(this.clip[0] < this.clip[1]))
      throw new ArgumentError(
        op,
        `clipDenoised must be [low, high] with low < high, got [${this.clip.join(', ')}]`,
      );
    if (shape.length < 2 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new ShapeError(
        op,
        `expected a sample shape [N, …] of positive sizes, got ${fmtShape(shape)}`,
      );
    }
    const noise = options.noise;
    if (noise !== undefined) {
      if (noise.rank !== shape.length || !noise.shape.every((d, i) => d === shape[i])) {
        throw new ShapeError(
          op,
          `noise must have the sample shape ${fmtShape(shape)}, got ${fmtShape(noise.shape)}`,
        );
      }
      this.z = noise;
    } else {
      this.z = randn(shape, {
        dtype: options.dtype ?? 'float32',
        ...(options.backend !== undefined ? { backend: options.backend } : {}),
        ...(options.generator ? { generator: options.generator } : {}),
      });
    }
    if (options.returnTrajectory) this.trajectory.push(this.z);
  }

  /** Fresh N(0, I) noise shaped like the state, from the run's stream. */
  noise(): Tensor {
    return randn(this.z.shape, {
      dtype: this.z.dtype,
      backend: this.z.backend.name,
      ...(this.options.generator ? { generator: this.options.generator } : {}),
    });
  }

  /** x̂ and ε̂ at the current state and timestep `t`; when x̂ is clipped, ε̂ is recomputed from it. */
  estimates(t: number): DenoisedEstimates {
    const { z, schedule } = this;
    const steps = full([z.shape[0]!], t, { dtype: 'int32', backend: z.backend.name });
    const out = estimatesFromOutput(
      schedule,
      z,
      t,
      guidedOutput(this.model, z, steps, this.options),
      this.prediction,
    );
    if (this.clip === null) return out;
    const x0 = clamp(out.x0, this.clip[0], this.clip[1]);
    return { x0, epsilon: epsilonFromX0(schedule, z, t, x0) };
  }

  /**
   * Runs one step without recording gradients: `step` computes the next
   * state (and the x̂ it used) from the current one; intermediates are freed.
   */
  advance(step: () => { next: Tensor; x0: Tensor }): void {
    const previous = this.z;
    const keepTrajectory = this.options.returnTrajectory === true;
    const { next, x0 } = noGrad(() =>
      tidy(() => {
        const r = step();
        // tidy keeps what is returned, so x̂ survives only when it is wanted
        return keepTrajectory ? r : { next: r.next, x0: null };
      }),
    );
    this.z = next;
    if (keepTrajectory) {
      this.trajectory.push(next);
      this.predictedX0.push(x0!);
    } else if (previous !== this.options.noise) {
      previous.dispose();
    }
  }

  /** The result, with the timesteps the sampler visited. */
  finish(timesteps: number[]): SamplingResult {
    const result: SamplingResult = { samples: this.z, timesteps };
    if (this.options.returnTrajectory) {
      result.trajectory = this.trajectory;
      result.predictedX0 = this.predictedX0;
    }
    return result;
  }
}
