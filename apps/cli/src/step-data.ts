import type { Tensor } from '@webgrad/core-tensor';
import { batches, numBatches, type Batch } from '@webgrad/data';

/**
 * The seed of the synthetic data of training step `index` of a run seeded
 * `seed` (index −1: the held-out set). Fresh data every step that depends
 * only on the seed and the step is what lets a resumed run draw exactly
 * the batches an uninterrupted one would have drawn.
 */
export function stepSeed(seed: number, index: number): number {
  return Number((BigInt(seed) * 1_000_003n + BigInt(index + 1)) % 2n ** 52n);
}

/**
 * Batch `index` (0-based over the whole run) of epochs over `x` (and `y`)
 * in a seeded order: epoch ⌊index / b⌋, batch index mod b of it, with b
 * batches per epoch; a pure function of the seed and the index.
 */
export function epochBatch<Y extends Tensor | null>(x: Tensor, y: Y, batchSize: number, seed: number, index: number): Batch<Y> {
  const perEpoch = numBatches(x.shape[0]!, batchSize);
  const epoch = Math.floor(index / perEpoch);
  return batches(x, y, { batchSize, shuffle: true, seed, epoch, startBatch: index % perEpoch }).next().value as Batch<Y>;
}
