import { Generator, indexSelect, manualSeed, type Tensor } from '@webgrad/core-tensor';
import { batches, loadDigits, trainTestSplit } from '@webgrad/data';
import { Adam } from '@webgrad/optim';
import type { StepOptimizer } from '@webgrad/generative-vae';

/** The 8x8 digits, binarised at ½ (so the Bernoulli likelihood is a true likelihood), split 80/20 with seed 0. */
export function binarisedDigits(): {
  xTrain: Tensor;
  xTest: Tensor;
  yTrain: Tensor;
  yTest: Tensor;
  grey: Tensor;
} {
  const { images, labels } = loadDigits();
  const binary = images.ge(0.5).cast('float32');
  const split = trainTestSplit(images.shape[0]!, { testFraction: 0.2, seed: 0 });
  return {
    xTrain: indexSelect(binary, 0, split.train),
    xTest: indexSelect(binary, 0, split.test),
    yTrain: indexSelect(labels, 0, split.train),
    yTest: indexSelect(labels, 0, split.test),
    grey: images,
  };
}

/** Something trained by `trainStep(x, optimizer)` on mini-batches. */
export interface Trainable {
  parameters(): Tensor[];
  trainStep(x: Tensor, optimizer: StepOptimizer, ...rest: never[]): Promise<unknown>;
}

/**
 * Trains `model` with Adam for `epochs` epochs of seeded mini-batches of 64;
 * `step` runs one batch (default `model.trainStep(x, opt)`) with its labels when `labels` are given. Yields to the
 * event loop once an epoch so the test worker stays responsive.
 */
export async function train<M extends Trainable>(
  model: M,
  x: Tensor,
  epochs: number,
  options: {
    lr?: number;
    labels?: Tensor;
    step?: (x: Tensor, opt: Adam, labels: Tensor | null) => Promise<unknown>;
  } = {},
): Promise<void> {
  const opt = new Adam(model.parameters(), { lr: options.lr ?? 2e-3 });
  const step = options.step ?? ((xb: Tensor) => model.trainStep(xb, opt));
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const b of batches(x, options.labels ?? null, {
      batchSize: 64,
      shuffle: true,
      seed: 2,
      epoch,
    })) {
      await step(b.x, opt, b.y);
      b.x.dispose();
      b.y?.dispose();
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A seeded run: `manualSeed(seed)` first, so layer initialisation is reproducible. */
export function seeded<T>(seed: number, make: () => T): T {
  manualSeed(seed);
  return make();
}

export { Generator };
