import { describe, expect, it } from 'vitest';
import { Generator, full, randn, tensor, type Tensor } from '@webgrad/core-tensor';
import {
  DiffusionSchedule,
  discretizedGaussianLogLikelihood,
  gaussianLogLikelihood,
  normalKl,
  variationalBound,
  type Denoiser,
} from '@webgrad/generative-diffusion';
import { gaussianDataOracle } from './gaussian-oracle.js';

const f64 = (v: number[] | number[][]): Tensor => tensor(v, { dtype: 'float64' });

describe('the pieces of the bound', () => {
  it('KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = ½(log σ₂²/σ₁² + σ₁²/σ₂² + (μ₁ − μ₂)²/σ₂² − 1) matches E_{x~N₁}[log N₁(x) − log N₂(x)] by Monte Carlo', () => {
    const [m1, lv1, m2, lv2] = [0.3, Math.log(0.5), -0.4, Math.log(2)];
    const kl = normalKl(f64([m1]), f64([lv1]), f64([m2]), f64([lv2])).item();
    const n = 200000;
    const x = randn([n], { dtype: 'float64', generator: new Generator(1) })
      .mul(Math.sqrt(0.5))
      .add(m1);
    const logRatio = gaussianLogLikelihood(x, f64([m1]), f64([lv1])).sub(
      gaussianLogLikelihood(x, f64([m2]), f64([lv2])),
    );
    const mean = logRatio.mean().item();
    const sd = logRatio.std().item();
    expect(Math.abs(kl - mean)).toBeLessThan(4.5 * (sd / Math.sqrt(n)));
    expect(normalKl(f64([1]), f64([0]), f64([1]), f64([0])).item()).toBe(0);
  });

  it('the discretised Gaussian gives each of the levels the density’s mass over its bin, the ends the tails, and sums to 1', () => {
    const levels = 17;
    const grid = Array.from({ length: levels }, (_, i) => -1 + (2 * i) / (levels - 1));
    const [mu, logVar] = [0.23, Math.log(0.3 ** 2)];
    const logP = discretizedGaussianLogLikelihood(
      f64(grid),
      f64(grid.map(() => mu)),
      f64(grid.map(() => logVar)),
      levels,
    ).dataSync();
    const density = (y: number): number =>
      Math.exp(-((y - mu) ** 2) / (2 * 0.09)) / Math.sqrt(2 * Math.PI * 0.09);
    const integrate = (a: number, b: number): number => {
      const n = 2000; // Simpson's rule
      const h = (b - a) / n;
      let s = density(a) + density(b);
      for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * density(a + i * h);
      return (s * h) / 3;
    };
    const half = 1 / (levels - 1);
    let total = 0;
    grid.forEach((x, i) => {
      const lo = i === 0 ? mu - 12 * 0.3 : x - half;
      const hi = i === levels - 1 ? mu + 12 * 0.3 : x + half;
      // to the 1.2e-7 relative accuracy of core-tensor's erf
      expect(Math.abs(Math.exp(logP[i]!) / integrate(lo, hi) - 1)).toBeLessThan(3e-7);
      total += Math.exp(logP[i]!);
    });
    expect(total).toBeCloseTo(1, 6);
    expect(() => discretizedGaussianLogLikelihood(f64([0]), f64([0]), f64([0]), 1)).toThrow(
      /discretizedGaussianLogLikelihood: levels must be an integer >= 2, got 1/,
    );
  });
});

describe('the variational bound in bits per dimension', () => {
  const schedule = DiffusionSchedule.cosine(25);

  it('for ε-prediction with σₜ² = β̃ₜ each KL term is Ho et al.’s weighted error βₜ²/(2β̃ₜαₜ(1 − ᾱₜ)) ‖ε − ε̂‖², and total = prior + Σ terms', () => {
    // a denoiser whose ε̂ = 0.7 zₜ is wrong in a known way
    const model: Denoiser = { forward: (z) => z.mul(0.7) };
    const x = f64([
      [0.2, -0.5, 0.9],
      [-1, 0.1, 0.4],
    ]);
    const bound = variationalBound(model, x, {
      schedule,
      decoder: 'gaussian',
      generator: new Generator(8),
    });
    expect(bound.terms.shape).toEqual([2, 25]);
    // replay the draws: one N(0, I) per timestep in order t = 0…T−1
    const gen = new Generator(8);
    const terms = bound.terms.arraySync() as number[][];
    for (let t = 0; t < 25; t++) {
      const eps = randn([2, 3], { dtype: 'float64', generator: gen });
      if (t === 0) continue;
      const zt = schedule.qSample(x, t, eps);
      const sqErr = eps.sub(zt.mul(0.7)).square().sum(1).dataSync();
      const [b, a, abar, post] = [
        schedule.betas[t]!,
        schedule.alphas[t]!,
        schedule.alphasCumprod[t]!,
        schedule.posteriorVariance[t]!,
      ];
      for (let i = 0; i < 2; i++) {
        const nats = ((b * b) / (2 * post * a * (1 - abar))) * sqErr[i]!;
        expect(terms[i]![t]).toBeCloseTo(nats / (3 * Math.LN2), 9);
      }
    }
    const total = bound.total.dataSync();
    const prior = bound.prior.dataSync();
    for (let i = 0; i < 2; i++)
      expect(total[i]).toBeCloseTo(prior[i]! + terms[i]!.reduce((s, v) => s + v, 0), 10);
  });

  it('a point-mass model of one 8-bit image: zero KL terms, the decoder’s mass in the right bin, and the prior KL in closed form', () => {
    const image = [-1, -0.5, 3 / 255, 1];
    const x = f64([image]);
    const model: Denoiser = { forward: (z) => f64([image]).expand(z.shape) };
    const { terms, prior, total } = variationalBound(model, x, {
      schedule,
      prediction: 'x0',
      levels: 256,
    });
    const row = (terms.arraySync() as number[][])[0]!;
    for (let t = 1; t < 25; t++) expect(Math.abs(row[t]!)).toBeLessThan(1e-12);
    // decoder N(x, β̃₂): bin mass Φ(Δ/2σ) − Φ(−Δ/2σ) inside, Φ(Δ/2σ) at the ends
    const sigma = Math.sqrt(schedule.posteriorVariance[1]!);
    const phi = (y: number): number => 0.5 * (1 + erf(y / Math.SQRT2));
    const inner = phi(1 / 255 / sigma) - phi(-1 / 255 / sigma);
    const edge = phi(1 / 255 / sigma);
    const want = -(Math.log(edge) * 2 + Math.log(inner) * 2) / (4 * Math.LN2);
    expect(row[0]).toBeCloseTo(want, 5); // to erf's 1.2e-7 relative accuracy
    const abar = schedule.alphasCumprod[24]!;
    const priorNats = image.reduce(
      (s, v) => s + 0.5 * (abar * v * v + (1 - abar) - 1 - Math.log(1 - abar)),
      0,
    );
    expect(prior.item()).toBeCloseTo(priorNats / (4 * Math.LN2), 10);
    expect(total.item()).toBeCloseTo(prior.item() + row[0]!, 10);
  });

  it('bounds the negative log density from above: for x ~ N(1.5, 0.5²) and the exact denoiser it sits above the entropy, closer with σₜ² = βₜ', () => {
    const long = DiffusionSchedule.linear(200);
    const oracle = gaussianDataOracle(long, 1.5, 0.5);
    const x = randn([2000, 1], { dtype: 'float64', generator: new Generator(3) })
      .mul(0.5)
      .add(1.5);
    const entropy = 0.5 * Math.log(2 * Math.PI * Math.E * 0.25); // −E log p(x), the best any model can do
    const gap = (variance: 'posterior' | 'beta'): { gap: number; stderr: number } => {
      const options = {
        schedule: long,
        prediction: 'x0' as const,
        decoder: 'gaussian' as const,
        variance,
        generator: new Generator(4),
      };
      const nats = variationalBound(oracle, x, options).total.mul(Math.LN2);
      return { gap: nats.mean().item() - entropy, stderr: nats.std().item() / Math.sqrt(2000) };
    };
    const small = gap('posterior');
    const large = gap('beta');
    expect(small.gap).toBeGreaterThan(-4.5 * small.stderr);
    expect(large.gap).toBeGreaterThan(-4.5 * large.stderr);
    // a fixed variance cannot match the true reverse step's spread β̃ₜ + c₀ₜ² Var(x | zₜ); β̃ₜ misses it by most
    expect(small.gap).toBeGreaterThan(large.gap + 0.3);
    expect(large.gap).toBeLessThan(0.15);
  });

  it('errors name the bound', () => {
    const model: Denoiser = { forward: (z) => z };
    expect(() => variationalBound(model, f64([1, 2]), { schedule })).toThrow(
      /variationalBound: expected data \[B, …\], got \[2\]/,
    );
    expect(() =>
      variationalBound(model, full([1, 2], 0), { schedule, decoder: 'bernoulli' as never }),
    ).toThrow(/variationalBound: decoder must be 'discretized' or 'gaussian', got 'bernoulli'/);
  });
});

/** erf by its continued-fraction-free series / asymptotic split, accurate to ~1e-15 for the arguments used here. */
function erf(x: number): number {
  // Taylor series converges fast for |x| < 3; beyond, erf is 1 to double precision
  if (Math.abs(x) > 6) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
