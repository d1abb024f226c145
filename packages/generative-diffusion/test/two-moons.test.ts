import { describe, expect, it } from 'vitest';
import { manualSeed } from '@webgrad/core-tensor';
import { join } from 'node:path';
import { twoMoons, writePng } from '@webgrad/data';
import {
  DDPM,
  DiffusionSchedule,
  MlpDenoiser,
  samplesVersusDataPng,
  trajectoryScatterPng,
  trainDiffusion,
} from '@webgrad/generative-diffusion';
import { ARTIFACTS } from './artifacts.js';
import { gaussianWithSameMoments, mmd2 } from './sample-statistics.js';

// The statistic: the unbiased MMD² with a sum of Gaussian kernels of widths
// 0.05, 0.1, 0.2 and 0.4 between 1000 generated points and 1000 fresh points
// of the data distribution. Two independent data samples score about 0
// (±0.005 at this size); the Gaussian with the data's mean and covariance,
// which ignores the two crescents, scores 0.069. Measured for this model:
// 0.005 (DDPM, 50 steps) and 0.007 (DDIM, 20 steps).
const BANDWIDTHS = [0.05, 0.1, 0.2, 0.4];
const THRESHOLD = 0.02;

describe('a diffusion model of two moons', () => {
  it('samples match the data by MMD² < 0.02 (DDPM with 50 steps and DDIM with 20), after 1200 Adam steps on the CPU', async () => {
    const started = performance.now();
    manualSeed(0);
    const data = twoMoons({ numSamples: 2048, noise: 0.1, seed: 1 }).points;
    const fresh = twoMoons({
      numSamples: 1000,
      noise: 0.1,
      seed: 2,
    }).points.dataSync() as Float32Array;
    const otherFresh = twoMoons({
      numSamples: 1000,
      noise: 0.1,
      seed: 3,
    }).points.dataSync() as Float32Array;
    const gaussian = gaussianWithSameMoments(data.dataSync() as Float32Array, 1000, 7);

    // v-prediction keeps x̂ = √ᾱ z − √(1−ᾱ) v̂ well conditioned at the cosine schedule's last
    // step (ᾱ_T ≈ 1e−6), where ε-prediction's x̂ = (z − √(1−ᾱ) ε̂)/√ᾱ amplifies errors ×1000 and
    // deterministic DDIM, which does not damp them, suffers
    const ddpm = new DDPM(
      new MlpDenoiser({ dataDim: 2, hiddenDim: 64, numBlocks: 2 }),
      DiffusionSchedule.cosine(50),
      { prediction: 'v' },
    );
    // 150 epochs of 8 batches of 256: 1200 Adam steps, the rate annealed from 3e-3 to 0
    const history = await trainDiffusion(ddpm, data, {
      epochs: 150,
      batchSize: 256,
      lr: 3e-3,
      seed: 4,
    });
    expect(history).toHaveLength(150);
    expect(history.at(-1)!.steps).toBe(1200);
    expect(history.at(-1)!.loss).toBeLessThan(0.9 * history[0]!.loss); // most of the loss is irreducible noise
    const trained = (performance.now() - started) / 1000;

    const run = ddpm.sample([1000, 2], { returnTrajectory: true });
    const ancestral = run.samples.dataSync() as Float32Array;
    const ddim = ddpm.sampleDdim([1000, 2], { steps: 20 }).samples.dataSync() as Float32Array;
    await writePng(
      join(ARTIFACTS, 'two-moons-samples.png'),
      await samplesVersusDataPng(run.samples, data),
    );
    await writePng(
      join(ARTIFACTS, 'two-moons-denoising.png'),
      await trajectoryScatterPng(run, { frames: 6, size: 200 }),
    );
    const score = {
      reference: mmd2(otherFresh, fresh, 2, BANDWIDTHS),
      gaussian: mmd2(gaussian, fresh, 2, BANDWIDTHS),
      ddpm: mmd2(ancestral, fresh, 2, BANDWIDTHS),
      ddim: mmd2(ddim, fresh, 2, BANDWIDTHS),
    };
    console.log(
      `two moons: MMD² data ${score.reference.toFixed(4)}, Gaussian ${score.gaussian.toFixed(4)}, ` +
        `DDPM ${score.ddpm.toFixed(4)}, DDIM-20 ${score.ddim.toFixed(4)}; trained in ${trained.toFixed(1)} s`,
    );
    // the statistic separates: data from data is far below the threshold, the best Gaussian far above
    expect(Math.abs(score.reference)).toBeLessThan(THRESHOLD / 2);
    expect(score.gaussian).toBeGreaterThan(2 * THRESHOLD);
    expect(score.ddpm).toBeLessThan(THRESHOLD);
    expect(score.ddim).toBeLessThan(THRESHOLD);
  }, 300_000);
});
