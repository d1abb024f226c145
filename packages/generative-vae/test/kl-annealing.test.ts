import { describe, expect, it } from 'vitest';
import { Generator, randn } from '@webgrad/core-tensor';
import { SGD } from '@webgrad/optim';
import { VAE, klWarmupBeta, trainVAE } from '@webgrad/generative-vae';

describe('KL annealing: β(t) = β₀ + (β − β₀)·min(1, t / warmupSteps)', () => {
  it('rises linearly from startBeta to beta and then stays', () => {
    const schedule = (t: number) => klWarmupBeta(t, { warmupSteps: 100, beta: 4, startBeta: 1 });
    expect([0, 25, 50, 100, 1000].map(schedule)).toEqual([1, 1.75, 2.5, 4, 4]);
    expect(klWarmupBeta(10, { warmupSteps: 0 })).toBe(1);
    expect(klWarmupBeta(30, { warmupSteps: 60 })).toBe(0.5);
  });

  it('weights the KL term of a train step: loss = reconstruction + β(t)·KL', async () => {
    const vae = VAE.mlp({ inputSize: 6, hiddenSizes: [4], latentSize: 2 });
    const x = randn([8, 6], { generator: new Generator(1) }).sigmoid();
    const opt = new SGD(vae.parameters(), { lr: 0 }); // lr 0: the model stays, only the weighting changes
    for (const t of [0, 50, 100]) {
      const beta = klWarmupBeta(t, { warmupSteps: 100 });
      const r = await vae.trainStep(x, opt, { beta, generator: new Generator(2) });
      expect(r.loss).toBeCloseTo(r.reconstruction + beta * r.kl, 5);
    }
  });

  it('refuses a negative step or warm-up by name', () => {
    expect(() => klWarmupBeta(-1, { warmupSteps: 10 })).toThrow(
      'klWarmupBeta: step must be a non-negative integer, got -1',
    );
    expect(() => klWarmupBeta(1, { warmupSteps: 1.5 })).toThrow(
      'klWarmupBeta: warmupSteps must be a non-negative integer, got 1.5',
    );
  });
});

describe('trainVAE with a KL warm-up', () => {
  it('raises β linearly over the first steps and reports each epoch', async () => {
    const vae = VAE.mlp({ inputSize: 6, hiddenSizes: [4], latentSize: 2, beta: 2 });
    const x = randn([64, 6], { generator: new Generator(1) }).sigmoid();
    const seen: number[] = [];
    const history = await trainVAE(vae, x, {
      epochs: 3,
      batchSize: 16,
      klWarmupSteps: 8,
      onEpoch: (s) => void seen.push(s.epoch),
    });
    // 4 steps an epoch; the last step of each epoch is step 3, 7, 11
    expect(history.map((h) => h.beta)).toEqual([(2 * 3) / 8, (2 * 7) / 8, 2]);
    expect(history.map((h) => h.steps)).toEqual([4, 8, 12]);
    expect(seen).toEqual([0, 1, 2]);
    await expect(trainVAE(vae, x, { epochs: 1, batchSize: 0 })).rejects.toThrow(
      'trainVAE: batchSize must be a positive integer, got 0',
    );
  });
});
