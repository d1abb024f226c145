import { ArgumentError, Generator, type Tensor } from '@webgrad/core-tensor';
import { batches } from '@webgrad/data';
import { Adam, CosineAnnealingLR } from '@webgrad/optim';
import type { DDPM, StepOptimizer } from './ddpm.js';

/** Options of `trainDiffusion`. */
export interface TrainDiffusionOptions {
  /** Passes over the data. */
  epochs: number;
  /** Examples per mini-batch (default 128). */
  batchSize?: number;
  /** Learning rate of the default Adam optimizer (default 1e-3). */
  lr?: number;
  /**
   * Anneal the default optimizer's rate to 0 along a half cosine over all
   * steps (default true): the end of training averages out the noise of
   * the loss's random t and ε, which sample quality is sensitive to.
   */
  cosineDecay?: boolean;
  /** An optimizer over the model's parameters instead of Adam (then no decay is applied). */
  optimizer?: StepOptimizer;
  /** Seed of the mini-batch order and of the stream of t, ε and label dropout (default 0). */
  seed?: number;
  /** Class labels, int32 [N], for a conditioned denoiser. */
  labels?: Tensor;
  /** Probability of dropping each label, for classifier-free guidance (default 0). */
  labelDropout?: number;
  /** Called after every epoch with its average loss (await it to checkpoint or plot). */
  onEpoch?: (stats: DiffusionEpochStats) => void | Promise<void>;
}

/** The average of one epoch of `trainDiffusion`. */
export interface DiffusionEpochStats {
  /** Epoch number, from 0. */
  epoch: number;
  /** Mean loss over the epoch's batches. */
  loss: number;
  /** Optimisation steps taken so far. */
  steps: number;
}

/**
 * Trains a diffusion model on `x` ([N, …], scaled as the model expects,
 * e.g. images to [−1, 1]) with mini-batches in a seeded order and Adam with
 * a cosine-annealed rate (or the given optimizer); returns every epoch's
 * average loss. It yields to the event loop after each epoch, so a page
 * stays responsive and a progress bar can draw.
 *
 * @example
 * ```ts
 * import { DDPM, DiffusionSchedule, MlpDenoiser, trainDiffusion } from '@webgrad/generative-diffusion';
 * import { twoMoons } from '@webgrad/data';
 * const ddpm = new DDPM(new MlpDenoiser({ dataDim: 2 }), DiffusionSchedule.cosine(50), { prediction: 'v' });
 * const history = await trainDiffusion(ddpm, twoMoons({ numSamples: 1024, noise: 0.1 }).points, { epochs: 20 });
 * history.at(-1); // { epoch: 19, loss, steps: 160 }
 * ```
 */
export async function trainDiffusion(
  ddpm: DDPM,
  x: Tensor,
  options: TrainDiffusionOptions,
): Promise<DiffusionEpochStats[]> {
  const op = 'trainDiffusion';
  const { epochs } = options;
  const batchSize = options.batchSize ?? 128;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new ArgumentError(op, `epochs must be a non-negative integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ArgumentError(op, `batchSize must be a positive integer, got ${batchSize}`);
  const n = x.shape[0] ?? 0;
  const perEpoch = Math.ceil(n / batchSize);
  let optimizer: StepOptimizer;
  let decay: CosineAnnealingLR | null = null;
  if (options.optimizer) {
    optimizer = options.optimizer;
  } else {
    const adam = new Adam(ddpm.parameters(), { lr: options.lr ?? 1e-3 });
    if ((options.cosineDecay ?? true) && epochs * perEpoch > 0)
      decay = new CosineAnnealingLR(adam, { tMax: epochs * perEpoch });
    optimizer = adam;
  }
  const generator = new Generator(seed);
  const history: DiffusionEpochStats[] = [];
  let steps = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    let sum = 0;
    let count = 0;
    for (const b of batches(x, options.labels ?? null, { batchSize, shuffle: true, seed, epoch })) {
      sum += await ddpm.trainStep(optimizer, b.x, {
        generator,
        ...(b.y ? { labels: b.y } : {}),
        ...(options.labelDropout !== undefined ? { labelDropout: options.labelDropout } : {}),
      });
      b.x.dispose();
      b.y?.dispose();
      decay?.step();
      count++;
      steps++;
    }
    const stats: DiffusionEpochStats = { epoch, loss: sum / count, steps };
    history.push(stats);
    await options.onEpoch?.(stats);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return history;
}
