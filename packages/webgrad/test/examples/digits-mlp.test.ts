import { describe, expect, it } from 'vitest';
import {
  Adam,
  Linear,
  ReLU,
  Sequential,
  argmax,
  batches,
  crossEntropy,
  eq,
  indexSelect,
  loadDigits,
  manualSeed,
  noGrad,
  tidy,
  trainTestSplit,
  type Tensor,
} from 'webgrad';

// The example of docs/nn.md ("Example: an MLP on the 8x8 digits"): a 64-128-10
// ReLU network trained with Adam on a seeded 80/20 split of the digits that
// ship with @webgrad/data, evaluated on the held-out 20%.
describe('example: an MLP on the 8x8 digits', () => {
  it('reaches ≥ 95% test accuracy in under a minute on the CPU', () => {
    const started = performance.now();
    manualSeed(0);
    const { images, labels, numClasses } = loadDigits();
    const split = trainTestSplit(images.shape[0]!, { testFraction: 0.2, seed: 0 });
    const xTrain = indexSelect(images, 0, split.train);
    const yTrain = indexSelect(labels, 0, split.train);
    const xTest = indexSelect(images, 0, split.test);
    const yTest = indexSelect(labels, 0, split.test);

    const model = new Sequential(new Linear(64, 128), new ReLU(), new Linear(128, numClasses));
    const optimizer = new Adam(model.parameters(), { lr: 2e-3 });
    const accuracy = (x: Tensor, y: Tensor): number =>
      noGrad(() =>
        tidy(() =>
          eq(argmax(model.forward(x), 1), y)
            .cast('float32')
            .mean()
            .item(),
        ),
      );

    const before = accuracy(xTest, yTest);
    for (let epoch = 0; epoch < 15; epoch++) {
      for (const { x, y } of batches(xTrain, yTrain, {
        batchSize: 32,
        shuffle: true,
        seed: 1,
        epoch,
      })) {
        tidy(() => {
          optimizer.zeroGrad();
          crossEntropy(model.forward(x), y).backward();
          optimizer.step();
        });
        x.dispose();
        y.dispose();
      }
    }
    const testAccuracy = accuracy(xTest, yTest);
    const trainAccuracy = accuracy(xTrain, yTrain);
    const seconds = (performance.now() - started) / 1000;

    expect(before).toBeLessThan(0.3); // an untrained network guesses
    expect(testAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(trainAccuracy).toBeGreaterThanOrEqual(testAccuracy - 0.01); // learned, not luck on the test split
    expect(seconds).toBeLessThan(60);
    console.log(
      `digits MLP: test accuracy ${(100 * testAccuracy).toFixed(2)}% (${split.test.shape[0]} images), ` +
        `train ${(100 * trainAccuracy).toFixed(2)}%, ${seconds.toFixed(1)} s`,
    );
  });
});
