import { ArgumentError, Generator, type Tensor } from '@webgrad/core-tensor';
import { batches } from '@webgrad/data';
import { Adam } from '@webgrad/optim';
import { klWarmupBeta } from './kl-annealing.js';
import type { StepOptimizer } from './train-step.js';
import type { VAE } from './vae.js';

/** Options of `trainVAE`. */
export interface TrainVAEOptions {
  /** Passes over the data. */
  epochs: number;
  /** Examples per mini-batch (default 64). */
  batchSize?: number;
  /** Learning rate of the default Adam optimizer (default 1e-3). */
  lr?: number;
  /** An optimizer over the VAE's parameters instead of Adam. */
  optimizer?: StepOptimizer;
  /** Seed of the mini-batch order and of the stream of ε (default 0). */
  seed?: number;
  /** Class labels, int32 [N], for a conditional VAE. */
  labels?: Tensor;
  /** Steps of linear KL warm-up from β = 0 to the model's β (default 0: none). */
  klWarmupSteps?: number;
  /** Called after every epoch with its averages (await it to checkpoint or plot). */
  onEpoch?: (stats: VAEEpochStats) => void | Promise<void>;
}

/** The averages of one epoch of `trainVAE`. */
export interface VAEEpochStats {
  /** Epoch number, from 0. */
  epoch: number;
  /** Mean loss (reconstruction + β·KL) over the epoch's batches. */
  loss: number;
  /** Mean reconstruction term. */
  reconstruction: number;
  /** Mean KL term. */
  kl: number;
  /** β at the epoch's last step. */
  beta: number;
  /** Optimisation steps taken so far. */
  steps: number;
}

/**
 * Trains a VAE on `x` ([N, ...]) with mini-batches in a seeded order, Adam
 * (or the given optimizer) and an optional KL warm-up, and returns every
 * epoch's averages. It yields to the event loop after each epoch, so a page
 * stays responsive and a progress bar can draw.
 *
 * @example
 * ```ts
 * const vae = VAE.mlp({ inputSize: 64, latentSize: 2 });
 * const history = await trainVAE(vae, images, { epochs: 20, klWarmupSteps: 200 });
 * history.at(-1); // { epoch: 19, loss, reconstruction, kl, beta: 1, steps: 580 }
 * ```
 */
export async function trainVAE(
  vae: VAE,
  x: Tensor,
  options: TrainVAEOptions,
): Promise<VAEEpochStats[]> {
  const op = 'trainVAE';
  const { epochs } = options;
  const batchSize = options.batchSize ?? 64;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new ArgumentError(op, `epochs must be a non-negative integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ArgumentError(op, `batchSize must be a positive integer, got ${batchSize}`);
  const optimizer = options.optimizer ?? new Adam(vae.parameters(), { lr: options.lr ?? 1e-3 });
  const generator = new Generator(seed);
  const history: VAEEpochStats[] = [];
  let steps = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const sum = { loss: 0, reconstruction: 0, kl: 0 };
    let beta = vae.beta;
    let count = 0;
    for (const b of batches(x, options.labels ?? null, { batchSize, shuffle: true, seed, epoch })) {
      beta = klWarmupBeta(steps, { warmupSteps: options.klWarmupSteps ?? 0, beta: vae.beta });
      const r = await vae.trainStep(b.x, optimizer, {
        beta,
        generator,
        ...(b.y ? { labels: b.y } : {}),
      });
      b.x.dispose();
      b.y?.dispose();
      sum.loss += r.loss;
      sum.reconstruction += r.reconstruction;
      sum.kl += r.kl;
      count++;
      steps++;
    }
    const stats: VAEEpochStats = {
      epoch,
      loss: sum.loss / count,
      reconstruction: sum.reconstruction / count,
      kl: sum.kl / count,
      beta,
      steps,
    };
    history.push(stats);
    await options.onEpoch?.(stats);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return history;
}
