import { describe, expect, it } from 'vitest';
import { indexSelect, manualSeed, randint, tensor, type Tensor } from '@webgrad/core-tensor';
import { Adam, CosineAnnealingLR } from '@webgrad/optim';
import { writePng } from '@webgrad/data';
import { join } from 'node:path';
import { DDPM, DiffusionSchedule, UNet, sampleGridPng } from '@webgrad/generative-diffusion';
import { ARTIFACTS } from './artifacts.js';
import { digitsSplit, trainDigitsJudge } from './digits-judge.js';

const yieldToVitest = (): Promise<void> => new Promise((r) => setImmediate(r));

// A short, bounded version of the run of scripts/train-unet-digits.ts (docs/diffusion.md,
// "Measured"): the U-Net (base 16 channels, levels 8×8×16 and 4×4×32, class-conditioned,
// v-prediction, 100 cosine steps) on images [B, 1, 8, 8], 150 Adam steps of 32 images.
// The statistic is the digits test's: 100 DDIM samples (20 steps, guidance 2), 10 asked for
// each digit, read by the 64-128-10 MLP judge trained on the training split.
describe('the U-Net denoiser on the 8x8 digits', () => {
  it('after 150 Adam steps of 32 images, draws digits the judge reads as the class asked for (≥ 80% with guidance 2)', async () => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    manualSeed(0);
    const split = digitsSplit();
    const read = trainDigitsJudge(split);
    const image = (x: Tensor): Tensor => x.mul(2).sub(1).reshape([x.shape[0]!, 1, 8, 8]);
    const pixels = image(split.xTrain);
    await yieldToVitest();

    const ddpm = new DDPM(
      new UNet({ baseChannels: 16, channelMults: [1, 2], numClasses: 10 }),
      DiffusionSchedule.cosine(100),
      { prediction: 'v', clipDenoised: true },
    );
    const steps = 150;
    const adam = new Adam(ddpm.parameters(), { lr: 2e-3 });
    const lr = new CosineAnnealingLR(adam, { tMax: steps });
    const losses: number[] = [];
    for (let step = 1; step <= steps; step++) {
      const rows = randint(0, pixels.shape[0]!, [32]);
      const [x, y] = [indexSelect(pixels, 0, rows), indexSelect(split.yTrain, 0, rows)];
      losses.push(await ddpm.trainStep(adam, x, { labels: y, labelDropout: 0.1 }));
      for (const t of [rows, x, y]) t.dispose();
      lr.step();
      if (step % 10 === 0) await yieldToVitest();
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const [first, last] = [mean(losses.slice(0, 20)), mean(losses.slice(-20))];

    const asked = tensor(
      Array.from({ length: 100 }, (_, i) => i % 10),
      { dtype: 'int32' },
    );
    const samples = ddpm.sampleDdim([100, 1, 8, 8], {
      steps: 20,
      labels: asked,
      guidanceScale: 2,
    }).samples;
    const guided = read(samples, asked);
    await writePng(
      join(ARTIFACTS, 'unet-digits-guided-test.png'),
      await sampleGridPng(samples, { columns: 10 }),
    );
    console.log(
      `U-Net digits: v-loss ${first.toFixed(3)} → ${last.toFixed(3)}; guidance 2: ${(100 * guided.accuracy).toFixed(0)}% ` +
        `read as asked (confidence ${guided.confidence.toFixed(3)}); ${((performance.now() - started) / 1000).toFixed(1)} s, ` +
        `${((process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1e6).toFixed(1)} s of CPU`,
    );
    expect(samples.shape).toEqual([100, 1, 8, 8]);
    expect(last).toBeLessThan(0.8 * first);
    expect(guided.accuracy).toBeGreaterThanOrEqual(0.8);
  }, 300_000);
});
