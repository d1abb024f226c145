import { describe, expect, it } from 'vitest';
import {
  argmax,
  eq,
  indexSelect,
  manualSeed,
  randint,
  softmax,
  tensor,
  tidy,
  type Tensor,
} from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { Linear, ReLU, Sequential, crossEntropy } from '@webgrad/nn';
import { Adam, CosineAnnealingLR } from '@webgrad/optim';
import { batches, loadDigits, trainTestSplit } from '@webgrad/data';
import { DDPM, DiffusionSchedule, MlpDenoiser } from '@webgrad/generative-diffusion';

const yieldToVitest = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('a class-conditioned diffusion model of the 8x8 digits', () => {
  it('draws digits an independently trained classifier reads as the class asked for', async () => {
    const started = performance.now();
    manualSeed(0);
    const { images, labels } = loadDigits();
    const split = trainTestSplit(images.shape[0]!, { testFraction: 0.2, seed: 0 });
    const [xTrain, yTrain] = [
      indexSelect(images, 0, split.train),
      indexSelect(labels, 0, split.train),
    ];
    const [xTest, yTest] = [indexSelect(images, 0, split.test), indexSelect(labels, 0, split.test)];

    // the judge: the 64-128-10 MLP of docs/nn.md, trained on the training split only
    const judge = new Sequential(new Linear(64, 128), new ReLU(), new Linear(128, 10));
    const judgeOptimizer = new Adam(judge.parameters(), { lr: 2e-3 });
    for (let epoch = 0; epoch < 15; epoch++) {
      for (const { x, y } of batches(xTrain, yTrain, {
        batchSize: 32,
        shuffle: true,
        seed: 1,
        epoch,
      })) {
        tidy(() => {
          judgeOptimizer.zeroGrad();
          crossEntropy(judge.forward(x), y).backward();
          judgeOptimizer.step();
        });
      }
    }
    /** Accuracy against `want` and mean top-class probability, for images in [−1, 1]. */
    const read = (samples: Tensor, want: Tensor): { accuracy: number; confidence: number } =>
      noGrad(() =>
        tidy(() => {
          const p = softmax(judge.forward(samples.add(1).div(2)), 1);
          return {
            accuracy: eq(argmax(p, 1), want).cast('float32').mean().item(),
            confidence: p.max(1).mean().item(),
          };
        }),
      );
    const judgeTest = read(xTest.mul(2).sub(1), yTest);
    expect(judgeTest.accuracy).toBeGreaterThanOrEqual(0.95);
    await yieldToVitest();

    // the model: ε-prediction MLP on the 64 pixels scaled to [−1, 1], labels dropped 10% of the
    // time so the same network is also the unconditional model classifier-free guidance needs
    const ddpm = new DDPM(
      new MlpDenoiser({ dataDim: 64, hiddenDim: 128, numBlocks: 3, numClasses: 10 }),
      DiffusionSchedule.cosine(100),
      { clipDenoised: true },
    );
    const asked = tensor(
      Array.from({ length: 200 }, (_, i) => i % 10),
      { dtype: 'int32' },
    );
    const sampleRead = (guidanceScale: number): { accuracy: number; confidence: number } =>
      read(ddpm.sampleDdim([200, 64], { steps: 25, labels: asked, guidanceScale }).samples, asked);
    const untrained = sampleRead(2);
    const adam = new Adam(ddpm.parameters(), { lr: 1e-3 });
    const steps = 1000;
    const lr = new CosineAnnealingLR(adam, { tMax: steps });
    const pixels = xTrain.mul(2).sub(1);
    for (let step = 1; step <= steps; step++) {
      tidy(() => {
        const rows = randint(0, pixels.shape[0]!, [128]);
        ddpm.trainStep(adam, indexSelect(pixels, 0, rows), {
          labels: indexSelect(yTrain, 0, rows),
          labelDropout: 0.1,
        });
      });
      lr.step();
      if (step % 50 === 0) await yieldToVitest();
    }
    const trained = (performance.now() - started) / 1000;
    const guided = sampleRead(2);
    const plain = sampleRead(1);
    const unconditional = noGrad(() =>
      tidy(() =>
        softmax(judge.forward(ddpm.sample([200, 64]).samples.add(1).div(2)), 1)
          .max(1)
          .mean()
          .item(),
      ),
    );
    console.log(
      `digits: judge ${(100 * judgeTest.accuracy).toFixed(1)}% on the test split (confidence ${judgeTest.confidence.toFixed(3)}); ` +
        `samples read as the class asked for: untrained ${(100 * untrained.accuracy).toFixed(1)}%, ` +
        `guidance 1 ${(100 * plain.accuracy).toFixed(1)}% (confidence ${plain.confidence.toFixed(3)}), ` +
        `guidance 2 ${(100 * guided.accuracy).toFixed(1)}% (confidence ${guided.confidence.toFixed(3)}); ` +
        `unconditional DDPM samples confidence ${unconditional.toFixed(3)}; ${trained.toFixed(1)} s`,
    );
    expect(untrained.accuracy).toBeLessThan(0.3); // the statistic is not satisfied by noise
    expect(guided.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(guided.confidence).toBeGreaterThanOrEqual(0.9);
    expect(plain.accuracy).toBeGreaterThanOrEqual(0.75);
    expect(plain.accuracy).toBeLessThanOrEqual(guided.accuracy); // guidance trades diversity for fidelity
  }, 600_000);
});
