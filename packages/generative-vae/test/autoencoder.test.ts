import { describe, expect, it } from 'vitest';
import { Generator, ones, randn, zeros } from '@webgrad/core-tensor';
import {
  Autoencoder,
  DenoisingAutoencoder,
  SparseAutoencoder,
  corruptInput,
} from '@webgrad/generative-vae';
import { binarisedDigits, seeded, train } from './digits-training.js';

const { grey } = binarisedDigits();
const xTrain = grey.narrow(0, 0, 1400);
const xTest = grey.narrow(0, 1400, 397);

describe('Autoencoder', () => {
  it('MLP: the held-out reconstruction error ½‖x − x̂‖² falls with training', async () => {
    const ae = seeded(0, () => Autoencoder.mlp({ inputSize: 64, hiddenSizes: [64], codeSize: 12 }));
    const before = ae.loss(xTest).item();
    await train(ae, xTrain, 8);
    const after = ae.loss(xTest).item();
    console.log(`MLP autoencoder: held-out ½‖x − x̂‖² ${before.toFixed(2)} → ${after.toFixed(2)}`);
    expect(after).toBeLessThan(0.3 * before);
  });

  it('convolutional: [N, 1, 8, 8] → code → [N, 1, 8, 8], and its error falls too', async () => {
    const ae = seeded(0, () =>
      Autoencoder.conv({ imageShape: [1, 8, 8], channels: [8, 16], codeSize: 12 }),
    );
    const images = xTrain.narrow(0, 0, 320).reshape([320, 1, 8, 8]);
    const held = xTest.reshape([397, 1, 8, 8]);
    expect(ae.encode(held).shape).toEqual([397, 12]);
    expect(ae.reconstruct(held).shape).toEqual([397, 1, 8, 8]);
    const before = ae.loss(held).item();
    await train(ae, images, 6, { lr: 3e-3 });
    const after = ae.loss(held).item();
    console.log(`conv autoencoder: held-out ½‖x − x̂‖² ${before.toFixed(2)} → ${after.toFixed(2)}`);
    expect(after).toBeLessThan(0.5 * before);
  });

  it('Bernoulli likelihood: the decoder outputs logits and reconstruct gives sigmoid(logits) in (0, 1)', () => {
    const ae = seeded(0, () =>
      Autoencoder.mlp({ inputSize: 64, codeSize: 4, likelihood: 'bernoulli' }),
    );
    const r = ae.reconstruct(xTest);
    expect(r.min().item()).toBeGreaterThan(0);
    expect(r.max().item()).toBeLessThan(1);
    expect(r.sub(ae.forward(xTest).sigmoid()).abs().max().item()).toBe(0);
  });
});

describe('denoising autoencoder', () => {
  it('corruptInput: masking zeroes a fraction `level`, gaussian adds σ·ε, salt-and-pepper sets 0 or 1', () => {
    // 10⁴ draws: a frequency's standard error is at most 0.005, so 0.015 is three of them
    const near = (v: number, p: number) => expect(Math.abs(v - p)).toBeLessThan(0.015);
    const x = ones([100, 100]).mul(0.5);
    const masked = corruptInput(x, { kind: 'masking', level: 0.3, generator: new Generator(1) });
    near(masked.eq(0).cast('float32').mean().item(), 0.3);
    near(masked.eq(0.5).cast('float32').mean().item(), 0.7);
    const noisy = corruptInput(zeros([100, 100]), {
      kind: 'gaussian',
      level: 0.2,
      generator: new Generator(2),
    });
    near(noisy.std().item(), 0.2);
    const sp = corruptInput(x, { kind: 'saltAndPepper', level: 0.4, generator: new Generator(3) });
    near(sp.eq(1).cast('float32').mean().item(), 0.2);
    near(sp.eq(0).cast('float32').mean().item(), 0.2);
    expect(() => corruptInput(x, { kind: 'masking', level: 1.5 })).toThrow(
      'corruptInput: masking level (a fraction) must be in [0, 1], got 1.5',
    );
  });

  it('learns to remove noise: its output is closer to the clean digits than the noisy input', async () => {
    const corruption = { kind: 'gaussian' as const, level: 0.3, generator: new Generator(5) };
    const dae = seeded(0, () =>
      DenoisingAutoencoder.mlp({ inputSize: 64, hiddenSizes: [128], codeSize: 32, corruption }),
    );
    await train(dae, xTrain, 10);
    const noisy = corruptInput(xTest, {
      kind: 'gaussian',
      level: 0.3,
      generator: new Generator(9),
    });
    const err = (a: typeof xTest) => a.sub(xTest).square().sum(1).mean().item();
    const noisyError = err(noisy);
    const denoisedError = err(dae.reconstruct(noisy));
    console.log(
      `denoising AE: ‖x̃ − x‖² ${noisyError.toFixed(2)} → ‖g(f(x̃)) − x‖² ${denoisedError.toFixed(2)}`,
    );
    expect(denoisedError).toBeLessThan(0.5 * noisyError);
  });
});

describe('sparse autoencoder: β·Σ_j KL(ρ ‖ ρ̂_j)', () => {
  it('drives the mean activations ρ̂_j of 100 sigmoid units towards ρ = 0.05', async () => {
    const sae = seeded(0, () =>
      SparseAutoencoder.mlp({ inputSize: 64, hiddenSizes: [], codeSize: 100, rho: 0.05, beta: 3 }),
    );
    const before = Array.from(sae.meanActivation(xTest).dataSync());
    await train(sae, xTrain, 12, { lr: 5e-3 });
    const after = Array.from(sae.meanActivation(xTest).dataSync());
    const meanAbsGap = (r: number[]) => r.reduce((s, v) => s + Math.abs(v - 0.05), 0) / r.length;
    console.log(
      `sparse AE: mean |ρ̂_j − ρ| ${meanAbsGap(before).toFixed(3)} → ${meanAbsGap(after).toFixed(3)}`,
    );
    expect(meanAbsGap(before)).toBeGreaterThan(0.3); // sigmoid units start near ½
    expect(meanAbsGap(after)).toBeLessThan(0.02);
    const { reconstruction, penalty } = sae.lossTerms(xTest);
    expect(penalty.item()).toBeLessThan(0.1 * reconstruction.item());
  });

  it('its penalty is regularize’s sparsityPenalty of the code, and ρ must be in (0, 1)', () => {
    const sae = seeded(0, () =>
      SparseAutoencoder.mlp({ inputSize: 4, hiddenSizes: [], codeSize: 3, rho: 0.2, beta: 2 }),
    );
    const x = randn([5, 4], { generator: new Generator(1) });
    const { code, penalty } = sae.lossTerms(x);
    const rhoHat = Array.from(code.mean(0).dataSync());
    const kl = rhoHat.reduce(
      (s, r) => s + 0.2 * Math.log(0.2 / r) + 0.8 * Math.log(0.8 / (1 - r)),
      0,
    );
    expect(penalty.item()).toBeCloseTo(2 * kl, 5);
    expect(() => SparseAutoencoder.mlp({ inputSize: 4, codeSize: 3, rho: 1 })).toThrow(
      'SparseAutoencoder: rho must be in (0, 1), got 1',
    );
  });
});
