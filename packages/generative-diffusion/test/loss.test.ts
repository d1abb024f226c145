import { describe, expect, it } from 'vitest';
import { Generator, manualSeed, randint, randn, tensor, type Tensor } from '@webgrad/core-tensor';
import {
  DiffusionSchedule,
  MlpDenoiser,
  diffusionLoss,
  epsilonFromX0,
  type Denoiser,
} from '@webgrad/generative-diffusion';
import { gaussianDataOracle } from './gaussian-oracle.js';

describe('the simplified loss E‖target − f(zₜ, t)‖²', () => {
  const schedule = DiffusionSchedule.cosine(40);

  it('regresses on ε, x or v = √ᾱₜ ε − √(1 − ᾱₜ) x at zₜ = √ᾱₜ x + √(1 − ᾱₜ) ε, written out per element', () => {
    manualSeed(3);
    const net = new MlpDenoiser({ dataDim: 3, hiddenDim: 8, numBlocks: 1 });
    for (const p of net.parameters()) p.assign_(randn(p.shape).mul(0.5)); // non-zero output layer
    const x = randn([4, 3]);
    const noise = randn([4, 3]);
    const steps = [0, 13, 27, 39];
    const t = tensor(steps, { dtype: 'int32' });
    const xv = x.dataSync();
    const ev = noise.dataSync();
    const zt = new Float32Array(12);
    for (let i = 0; i < 12; i++) {
      const k = steps[Math.floor(i / 3)]!;
      zt[i] =
        schedule.sqrtAlphasCumprod[k]! * xv[i]! + schedule.sqrtOneMinusAlphasCumprod[k]! * ev[i]!;
    }
    const out = net.forward(tensor(zt, { shape: [4, 3] }), t).dataSync();
    const targets = {
      epsilon: (i: number) => ev[i]!,
      x0: (i: number) => xv[i]!,
      v: (i: number) => {
        const k = steps[Math.floor(i / 3)]!;
        return (
          schedule.sqrtAlphasCumprod[k]! * ev[i]! - schedule.sqrtOneMinusAlphasCumprod[k]! * xv[i]!
        );
      },
    };
    for (const [prediction, target] of Object.entries(targets)) {
      let want = 0;
      for (let i = 0; i < 12; i++) want += (out[i]! - target(i)) ** 2 / 12;
      const got = diffusionLoss(net, x, {
        schedule,
        prediction: prediction as 'epsilon',
        t,
        noise,
      });
      expect(got.shape).toEqual([]);
      expect(got.item()).toBeCloseTo(want, 5);
      const perExample = diffusionLoss(net, x, {
        schedule,
        prediction: prediction as 'epsilon',
        t,
        noise,
        reduction: 'none',
      });
      expect(perExample.shape).toEqual([4]);
      expect(perExample.mean().item()).toBeCloseTo(want, 5);
    }
  });

  it('draws t ~ U{0…T−1} and then ε ~ N(0, I) from the Philox stream, so a seed fixes the loss', () => {
    const net = new MlpDenoiser({ dataDim: 2, hiddenDim: 8, numBlocks: 1 });
    for (const p of net.parameters()) p.assign_(randn(p.shape));
    const x = randn([64, 2]);
    const drawn = diffusionLoss(net, x, { schedule, generator: new Generator(42) }).item();
    const gen = new Generator(42);
    const t = randint(0, 40, [64], { generator: gen });
    const noise = randn([64, 2], { generator: gen });
    expect(diffusionLoss(net, x, { schedule, t, noise }).item()).toBe(drawn);
    // every step is reachable: 64 · 40 draws cover all 40 timesteps
    const many = randint(0, 40, [64 * 40], { generator: new Generator(1) }).dataSync();
    expect(new Set(many).size).toBe(40);
  });

  it('backpropagates into every parameter of the denoiser', () => {
    const net = new MlpDenoiser({ dataDim: 2, hiddenDim: 8, numBlocks: 2, numClasses: 3 });
    diffusionLoss(net, randn([8, 2]), {
      schedule,
      labels: tensor([0, 1, 2, 0, 1, 2, 0, 1], { dtype: 'int32' }),
    }).backward();
    for (const [name, p] of net.namedParameters()) expect(p.grad, name).not.toBeNull();
  });

  it('at its minimum the ε-loss is the posterior variance of ε: for x ~ N(m, s²), E Var(ε | zₜ) = mean over t of ᾱₜs²/(ᾱₜs² + 1 − ᾱₜ)', () => {
    const [m, s] = [0.5, 0.8];
    const oracle = gaussianDataOracle(schedule, m, s);
    const epsilonOracle: Denoiser = {
      forward: (z, t) => epsilonFromX0(schedule, z, t, oracle.forward(z, t)),
    };
    const n = 40 * 500;
    const x = randn([n, 1], { dtype: 'float64', generator: new Generator(5) })
      .mul(s)
      .add(m);
    const t = tensor(
      Array.from({ length: n }, (_, i) => i % 40),
      { dtype: 'int32' },
    );
    const perExample = diffusionLoss(epsilonOracle, x, {
      schedule,
      t,
      generator: new Generator(6),
      reduction: 'none',
    }).dataSync();
    let loss = 0;
    let square = 0;
    for (const v of perExample) {
      loss += v / n;
      square += (v * v) / n;
    }
    let want = 0;
    for (let k = 0; k < 40; k++) {
      const a = schedule.alphasCumprod[k]!;
      want += (a * s * s) / (a * s * s + 1 - a) / 40;
    }
    expect(Math.abs(loss - want)).toBeLessThan(4.5 * Math.sqrt((square - loss * loss) / n));
  });

  it('classifier-free guidance training: labelDropout = 1 trains only the unconditional model, 0 only the conditional one', () => {
    const net = new MlpDenoiser({ dataDim: 2, hiddenDim: 8, numBlocks: 1, numClasses: 3 });
    for (const p of net.parameters()) p.assign_(randn(p.shape));
    const x = randn([6, 2]);
    const labels = tensor([0, 1, 2, 2, 1, 0], { dtype: 'int32' });
    const fixed = {
      schedule,
      t: tensor([1, 5, 9, 13, 17, 21], { dtype: 'int32' }),
      noise: randn([6, 2]),
    };
    const none = diffusionLoss(net, x, fixed).item();
    const all = diffusionLoss(net, x, { ...fixed, labels, labelDropout: 1 }).item();
    const kept = diffusionLoss(net, x, { ...fixed, labels, labelDropout: 0 }).item();
    expect(all).toBe(none);
    expect(kept).not.toBe(none);
    expect(() => diffusionLoss(net, x, { schedule, labelDropout: 0.1 })).toThrow(
      /diffusionLoss: labelDropout needs labels/,
    );
    expect(() => diffusionLoss(net, x, { schedule, labels, labelDropout: 2 })).toThrow(
      /diffusionLoss: labelDropout must be in \[0, 1\], got 2/,
    );
    const plain = new MlpDenoiser({ dataDim: 2 });
    expect(() => diffusionLoss(plain, x, { schedule, labels })).toThrow(
      /diffusionLoss: labels were given but the denoiser is unconditional/,
    );
  });

  it('errors name the loss and the shapes', () => {
    const net = new MlpDenoiser({ dataDim: 2 });
    expect(() => diffusionLoss(net, randn([4]), { schedule })).toThrow(
      /diffusionLoss: expected data \[B, …\] with B examples, got \[4\]/,
    );
    expect(() => diffusionLoss(net, randn([4, 2]), { schedule, noise: randn([4, 3]) })).toThrow(
      /diffusionLoss: noise must have the data's shape \[4,2\], got \[4,3\]/,
    );
    expect(() =>
      diffusionLoss(net, randn([4, 2]), { schedule, t: tensor([0, 1, 2, 40], { dtype: 'int32' }) }),
    ).toThrow(/diffusionLoss: timesteps must be in \[0, 40\), got 40/);
    const wrong: Denoiser = { forward: (z: Tensor) => z.sum(1) };
    expect(() => diffusionLoss(wrong, randn([4, 2]), { schedule })).toThrow(
      /diffusionLoss: the denoiser must return the data's shape \[4,2\], got \[4\]/,
    );
  });
});
