import { argmax, eq, indexSelect, softmax, tidy, type Tensor } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { Linear, ReLU, Sequential, crossEntropy } from '@webgrad/nn';
import { Adam } from '@webgrad/optim';
import { batches, loadDigits, trainTestSplit } from '@webgrad/data';

/** The 8x8 digits split 80/20 (seed 0): pixels in [0, 1] as [N, 64], labels int32 [N]. */
export interface DigitsSplit {
  /** Training images. */
  xTrain: Tensor;
  /** Training labels. */
  yTrain: Tensor;
  /** Held-out images. */
  xTest: Tensor;
  /** Held-out labels. */
  yTest: Tensor;
}

/** What the judge makes of a batch of images: accuracy against the labels asked for, mean top-class probability. */
export interface Reading {
  /** Fraction read as the class asked for. */
  accuracy: number;
  /** Mean probability of the class the judge picks. */
  confidence: number;
}

/** The digits' 80/20 train/test split (seed 0), as the diffusion tests and the U-Net script use it. */
export function digitsSplit(): DigitsSplit {
  const { images, labels } = loadDigits();
  const split = trainTestSplit(images.shape[0]!, { testFraction: 0.2, seed: 0 });
  return {
    xTrain: indexSelect(images, 0, split.train),
    yTrain: indexSelect(labels, 0, split.train),
    xTest: indexSelect(images, 0, split.test),
    yTest: indexSelect(labels, 0, split.test),
  };
}

/**
 * The judge of sample recognisability: the 64-128-10 MLP of docs/nn.md
 * (Adam lr 2e-3, 15 epochs of batches of 32), trained on the training split
 * only, exactly as packages/webgrad/test/examples/digits-mlp.test.ts does
 * (repeated: a package's tests stand alone). `read` takes images in [−1, 1]
 * of any shape [B, …, 64 pixels].
 */
export function trainDigitsJudge(split: DigitsSplit): (samples: Tensor, want: Tensor) => Reading {
  const judge = new Sequential(new Linear(64, 128), new ReLU(), new Linear(128, 10));
  const optimizer = new Adam(judge.parameters(), { lr: 2e-3 });
  for (let epoch = 0; epoch < 15; epoch++) {
    for (const { x, y } of batches(split.xTrain, split.yTrain, {
      batchSize: 32,
      shuffle: true,
      seed: 1,
      epoch,
    })) {
      tidy(() => {
        optimizer.zeroGrad();
        crossEntropy(judge.forward(x), y).backward();
        optimizer.step();
      });
    }
  }
  return (samples, want) =>
    noGrad(() =>
      tidy(() => {
        const pixels = samples.reshape([samples.shape[0]!, 64]);
        const p = softmax(judge.forward(pixels.add(1).div(2)), 1);
        return {
          accuracy: eq(argmax(p, 1), want).cast('float32').mean().item(),
          confidence: p.max(1).mean().item(),
        };
      }),
    );
}
