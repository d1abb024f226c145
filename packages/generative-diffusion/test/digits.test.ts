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
import { join } from 'node:path';
import {
  DDPM,
  DiffusionSchedule,
  MlpDenoiser,
  denoisingSequencePng,
  sampleGridPng,
} from '@webgrad/generative-diffusion';
import { writePng } from '@webgrad/data';
import { ARTIFACTS } from './artifacts.js';

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
    const draw = (guidanceScale: number): Tensor =>
      ddpm.sampleDdim([200, 64], { steps: 25, labels: asked, guidanceScale }).samples;
    const untrained = read(draw(2), asked);
    const adam = new Adam(ddpm.parameters(), { lr: 1e-3 });
    const steps = 1000;
    const lr = new CosineAnnealingLR(adam, { tMax: steps });
    const pixels = xTrain.mul(2).sub(1);
    for (let step = 1; step <= steps; step++) {
      const rows = randint(0, pixels.shape[0]!, [128]);
      const [x, y] = [indexSelect(pixels, 0, rows), indexSelect(yTrain, 0, rows)];
      await ddpm.trainStep(adam, x, { labels: y, labelDropout: 0.1 });
      for (const t of [rows, x, y]) t.dispose();
      lr.step();
      if (step % 50 === 0) await yieldToVitest();
    }
    const trained = (performance.now() - started) / 1000;
    const guidedSamples = draw(2);
    const guided = read(guidedSamples, asked);
    const plain = read(draw(1), asked);
    const unconditionalRun = ddpm.sample([200, 64], { returnTrajectory: true });
    const unconditional = read(unconditionalRun.samples, asked).confidence; // (its accuracy means nothing)
    // pictures: ten rows of 0…9 (guidance 2), unconditional samples, a denoising sequence
    await writePng(
      join(ARTIFACTS, 'digits-guided.png'),
      await sampleGridPng(guidedSamples.narrow(0, 0, 100), { columns: 10 }),
    );
    await writePng(
      join(ARTIFACTS, 'digits-unconditional.png'),
      await sampleGridPng(unconditionalRun.samples.narrow(0, 0, 100), { columns: 10 }),
    );
    await writePng(
      join(ARTIFACTS, 'digits-denoising.png'),
      await denoisingSequencePng(unconditionalRun, { frames: 11 }),
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
