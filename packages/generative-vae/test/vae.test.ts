import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor, zeros, type Tensor } from '@webgrad/core-tensor';
import { Linear } from '@webgrad/nn';
import { VAE, klStandardNormal, reconstructionLoss, trainVAE } from '@webgrad/generative-vae';
import { binarisedDigits, seeded, train } from './digits-training.js';

const digits = binarisedDigits();

/** Σ_i log Bernoulli(x_i; p_i) of the held-out images under independent pixels p = the training mean (clamped). */
function factorisedBernoulliLogLikelihood(xTrain: Tensor, xTest: Tensor): number {
  const p = xTrain.mean(0).clamp(1e-3, 1 - 1e-3);
  return xTest
    .mul(p.log())
    .add(xTest.neg().add(1).mul(p.neg().add(1).log()))
    .sum(1)
    .mean()
    .item();
}

describe('VAE on the 8x8 digits (binarised, 1437 train / 360 held out)', () => {
  it('reaches a held-out ELBO above −21 nats, and the importance-weighted estimate is tighter', async () => {
    const started = performance.now();
    const vae = seeded(0, () => VAE.mlp({ inputSize: 64, hiddenSizes: [128], latentSize: 8 }));
    const history = await trainVAE(vae, digits.xTrain, { epochs: 30, lr: 2e-3, seed: 1 });
    expect(history.map((h) => h.steps)).toEqual(history.map((_, e) => 23 * (e + 1))); // ⌈1437/64⌉ batches an epoch
    expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss);

    const elbo = vae
      .elbo(digits.xTest, { samples: 10, generator: new Generator(3) })
      .mean()
      .item();
    const iw = vae
      .importanceWeightedLogLikelihood(digits.xTest, { k: 200, generator: new Generator(4) })
      .mean()
      .item();
    const baseline = factorisedBernoulliLogLikelihood(digits.xTrain, digits.xTest);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `digits VAE (latent 8): held-out ELBO ${elbo.toFixed(2)} nats, IWAE(k=200) ${iw.toFixed(2)}, ` +
        `independent-pixel baseline ${baseline.toFixed(2)}, ${seconds.toFixed(1)} s`,
    );
    expect(elbo).toBeGreaterThan(-21);
    expect(elbo).toBeGreaterThan(baseline + 5); // the latent code explains far more than pixel marginals
    expect(iw).toBeGreaterThan(elbo); // E log mean_k w ≥ E log w (Jensen), strictly for a non-exact q
    expect(iw).toBeLessThan(0); // a log-probability of binary data
  });

  it('β trades KL for reconstruction: higher β → lower KL, higher reconstruction error', async () => {
    const terms = async (beta: number): Promise<{ kl: number; reconstruction: number }> => {
      const vae = seeded(0, () =>
        VAE.mlp({ inputSize: 64, hiddenSizes: [128], latentSize: 8, beta }),
      );
      const gen = new Generator(1);
      await train(vae, digits.xTrain, 10, {
        step: (x, opt) => vae.trainStep(x, opt, { generator: gen }),
      });
      const l = vae.loss(digits.xTest, { generator: new Generator(5) });
      return { kl: l.kl.item(), reconstruction: l.reconstruction.item() };
    };
    const vae1 = await terms(1);
    const vae4 = await terms(4);
    console.log(
      `β = 1: KL ${vae1.kl.toFixed(2)}, rec ${vae1.reconstruction.toFixed(2)}; β = 4: KL ${vae4.kl.toFixed(2)}, rec ${vae4.reconstruction.toFixed(2)}`,
    );
    expect(vae4.kl).toBeLessThan(vae1.kl - 1);
    expect(vae4.reconstruction).toBeGreaterThan(vae1.reconstruction + 1);
  });

  it('a conditional VAE draws the digit it is asked for (nearest class mean of its samples)', async () => {
    const cvae = seeded(0, () =>
      VAE.mlp({ inputSize: 64, hiddenSizes: [128], latentSize: 2, numClasses: 10 }),
    );
    const gen = new Generator(1);
    await train(cvae, digits.xTrain, 15, {
      labels: digits.yTrain,
      step: (x, opt, labels) => cvae.trainStep(x, opt, { labels: labels!, generator: gen }),
    });
    const perClass = 20;
    const labels = tensor(
      Array.from({ length: 10 * perClass }, (_, i) => Math.floor(i / perClass)),
      { dtype: 'int32' },
    );
    const samples = cvae.sample(10 * perClass, { labels, generator: new Generator(7) });
    const means = Array.from({ length: 10 }, (_, c) => classMean(digits.xTrain, digits.yTrain, c));
    const s = samples.arraySync() as number[][];
    let correct = 0;
    s.forEach((img, i) => {
      const d = means.map((m) => m.reduce((acc, v, j) => acc + (v - img[j]!) ** 2, 0));
      if (d.indexOf(Math.min(...d)) === Math.floor(i / perClass)) correct++;
    });
    console.log(
      `conditional VAE: ${correct} of ${10 * perClass} samples nearest to their class mean`,
    );
    expect(correct / (10 * perClass)).toBeGreaterThan(0.8);
  });
});

function classMean(x: Tensor, y: Tensor, c: number): number[] {
  const rows = x.arraySync() as number[][];
  const ys = Array.from(y.dataSync());
  const mine = rows.filter((_, i) => ys[i] === c);
  return mine[0]!.map((_, j) => mine.reduce((s, r) => s + r[j]!, 0) / mine.length);
}

describe('VAE pieces', () => {
  it('loss = reconstruction + β·KL, with KL in closed form and one z per example', () => {
    const vae = seeded(0, () =>
      VAE.mlp({ inputSize: 6, hiddenSizes: [5], latentSize: 3, beta: 2.5 }),
    );
    const x = randn([4, 6], { generator: new Generator(1) }).sigmoid();
    const l = vae.loss(x, { generator: new Generator(2) });
    const { mu, logvar } = vae.encode(x);
    const z = mu.add(
      logvar
        .mul(0.5)
        .exp()
        .mul(randn([4, 3], { generator: new Generator(2) })),
    );
    const rec = reconstructionLoss(vae.decode(z), x, 'bernoulli').mean().item();
    const kl = klStandardNormal(mu, logvar).item();
    expect(l.reconstruction.item()).toBeCloseTo(rec, 5);
    expect(l.kl.item()).toBeCloseTo(kl, 5);
    expect(l.loss.item()).toBeCloseTo(rec + 2.5 * kl, 4);
    expect(vae.loss(x, { generator: new Generator(2), beta: 0 }).loss.item()).toBeCloseTo(rec, 5);
  });

  it('the importance-weighted estimate averages to the ELBO for k = 1 and rises above it for large k', () => {
    const vae = seeded(0, () =>
      VAE.mlp({
        inputSize: 5,
        hiddenSizes: [4],
        latentSize: 2,
        likelihood: 'gaussian',
        decoderStd: 0.5,
      }),
    );
    const x = randn([3, 5], { generator: new Generator(1) });
    const copies = 4000;
    const many = x.expand([copies, 3, 5]).reshape([copies * 3, 5]);
    const average = (t: Tensor): number[] => Array.from(t.reshape([copies, 3]).mean(0).dataSync());
    // ELBO = E_q[log p(x|z)] − KL and E_q[log p(x|z) + log p(z) − log q(z|x)] are the same expectation
    const elbo = average(vae.elbo(many, { generator: new Generator(2) }));
    const iw1 = average(
      vae.importanceWeightedLogLikelihood(many, { k: 1, generator: new Generator(3) }),
    );
    const iw = Array.from(
      vae
        .importanceWeightedLogLikelihood(x, { k: 4000, chunk: 1000, generator: new Generator(4) })
        .dataSync(),
    );
    elbo.forEach((e, i) => {
      expect(Math.abs(iw1[i]! - e)).toBeLessThan(0.1);
      expect(iw[i]!).toBeGreaterThan(e);
    });
    expect(vae.elbo(x).shape).toEqual([3]);
  });

  it('names its parameters encoder.* / decoder.* as PyTorch would', () => {
    const vae = VAE.mlp({ inputSize: 64, hiddenSizes: [32], latentSize: 2 });
    expect(Object.keys(vae.stateDict())).toEqual([
      'encoder.0.weight',
      'encoder.0.bias',
      'encoder.2.weight',
      'encoder.2.bias',
      'decoder.0.weight',
      'decoder.0.bias',
      'decoder.2.weight',
      'decoder.2.bias',
    ]);
    expect(vae.toString()).toContain('latent=2, likelihood=bernoulli, beta=1');
  });

  it('a convolutional VAE maps [N, 1, 8, 8] to latents and back', () => {
    const vae = seeded(0, () =>
      VAE.conv({ imageShape: [1, 8, 8], channels: [8, 16], latentSize: 4 }),
    );
    const x = digits.grey.narrow(0, 0, 5).reshape([5, 1, 8, 8]);
    const { mu, logvar, z, output } = vae.forward(x);
    expect([mu.shape, logvar.shape, z.shape, output.shape]).toEqual([
      [5, 4],
      [5, 4],
      [5, 4],
      [5, 1, 8, 8],
    ]);
    expect(vae.sample(3).shape).toEqual([3, 1, 8, 8]);
    expect(vae.reconstruct(x).shape).toEqual([5, 1, 8, 8]);
    expect(Number.isFinite(vae.loss(x).loss.item())).toBe(true);
  });

  it('interpolates between latent means, endpoints included', () => {
    const vae = seeded(0, () => VAE.mlp({ inputSize: 64, hiddenSizes: [16], latentSize: 2 }));
    const a = digits.xTest.narrow(0, 0, 1);
    const b = digits.xTest.narrow(0, 1, 1);
    const path = vae.interpolate(a, b, 5);
    expect(path.shape).toEqual([5, 64]);
    const close = (p: Tensor, q: Tensor) =>
      Array.from(p.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(q.dataSync()[i]!, 6));
    close(path.narrow(0, 0, 1), vae.reconstruct(a));
    close(path.narrow(0, 4, 1), vae.reconstruct(b));
    expect(path.narrow(0, 2, 1).sub(vae.reconstruct(a)).abs().max().item()).toBeGreaterThan(1e-3); // it moves
  });

  it('refuses wrong shapes, missing or unexpected labels, and bad options by name', () => {
    const vae = VAE.mlp({ inputSize: 4, hiddenSizes: [3], latentSize: 2 });
    const cvae = VAE.mlp({ inputSize: 4, hiddenSizes: [3], latentSize: 2, numClasses: 3 });
    const x = zeros([2, 4]);
    expect(() => vae.decode(zeros([2, 3]))).toThrow(
      'VAE.decode: expected z of shape [N, 2], got [2,3]',
    );
    expect(() =>
      new VAE({ encoder: new Linear(4, 3), decoder: new Linear(2, 4), latentSize: 2 }).encode(x),
    ).toThrow('VAE.encode: expected the encoder to output [N, 2·latentSize] = [N, 4], got [2,3]');
    expect(() => cvae.encode(x)).toThrow(
      'VAE.encode: a conditional VAE (numClasses 3) needs labels',
    );
    expect(() => vae.encode(x, tensor([0, 1], { dtype: 'int32' }))).toThrow(
      'VAE.encode: labels were given to an unconditional VAE (numClasses not set)',
    );
    expect(() => cvae.encode(x, tensor([0], { dtype: 'int32' }))).toThrow(
      'VAE.encode: expected labels [2] (one class per example), got [1]',
    );
    expect(() => VAE.mlp({ inputSize: 4, latentSize: 0 })).toThrow(
      'VAE: latentSize must be a positive integer, got 0',
    );
    expect(() => vae.loss(x, { beta: -1 })).toThrow(
      'VAE.loss: beta must be a finite number >= 0, got -1',
    );
    expect(() => vae.elbo(x, { samples: 0 })).toThrow(
      'VAE.elbo: samples must be a positive integer, got 0',
    );
    expect(() => vae.importanceWeightedLogLikelihood(x, { k: 0 })).toThrow(
      'VAE.importanceWeightedLogLikelihood: k must be a positive integer, got 0',
    );
    expect(() => reconstructionLoss(zeros([2, 4]), zeros([2, 5]), 'bernoulli')).toThrow(
      "reconstructionLoss: expected the decoder output to have the data's shape [N, ...], got output [2,4] and x [2,5]",
    );
  });
});
