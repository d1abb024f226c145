import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor, type Tensor } from '@webgrad/core-tensor';
import { DiffusionSchedule, cosineBetas, linearBetas } from '@webgrad/generative-diffusion';

/** Column means and (unbiased) variances of a [N, D] CPU tensor, in float64. */
function columnMoments(z: Tensor): { mean: number[]; variance: number[] } {
  const [n, d] = z.shape as [number, number];
  const v = z.dataSync();
  const mean = new Array<number>(d).fill(0);
  const variance = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += v[i * d + j]! / n;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) variance[j]! += (v[i * d + j]! - mean[j]!) ** 2 / (n - 1);
  return { mean, variance };
}

describe('variance schedules', () => {
  it('linear: β evenly spaced from β₁ to β_T, Ho et al.’s 1e-4…0.02 rescaled by 1000/T by default', () => {
    const b = linearBetas(1000);
    expect(b[0]).toBeCloseTo(1e-4, 15);
    expect(b[999]).toBeCloseTo(0.02, 15);
    expect(b[500]! - b[499]!).toBeCloseTo((0.02 - 1e-4) / 999, 15);
    const short = linearBetas(50);
    expect(short[0]).toBeCloseTo(2e-3, 15);
    expect(short[49]).toBeCloseTo(0.4, 15);
    // the rescaling keeps ᾱ_T near e^{−10} whatever T
    for (const T of [50, 100, 1000])
      expect(DiffusionSchedule.linear(T).alphasCumprod[T - 1]).toBeLessThan(1e-4);
    linearBetas(3, { betaStart: 0.1, betaEnd: 0.3 }).forEach((b, i) =>
      expect(b).toBeCloseTo([0.1, 0.2, 0.3][i]!, 15),
    );
    expect(() => linearBetas(10)).toThrow(
      /linearBetas: the default β_T = 0.02·1000\/T is 2 for T=10/,
    );
    expect(() => linearBetas(10, { betaEnd: 1 })).toThrow(
      /linearBetas: every β_t must be in \(0, 1\), got β\[9\] = 1/,
    );
    expect(() => linearBetas(0)).toThrow(
      /linearBetas: numTimesteps must be a positive integer, got 0/,
    );
  });

  it('cosine: ᾱ_t = f(t)/f(0), f(t) = cos²(((t/T) + s)/(1 + s)·π/2), β clipped at 0.999', () => {
    const T = 100;
    const s = DiffusionSchedule.cosine(T);
    const f = (t: number): number => Math.cos(((t / T + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (const t of [1, 10, 50, 90, 99])
      expect(s.alphasCumprod[t - 1]! / (f(t) / f(0))).toBeCloseTo(1, 12);
    expect(s.betas[T - 1]).toBe(0.999); // 1 − f(T)/f(T−1) = 1 because f(T) = cos²(π/2) ≈ 0
    expect(s.betas.every((b) => b > 0 && b < 1)).toBe(true);
    expect(cosineBetas(T, { maxBeta: 0.5 })[T - 1]).toBe(0.5);
    expect(() => cosineBetas(T, { maxBeta: 1 })).toThrow(
      /cosineBetas: maxBeta must be in \(0, 1\), got 1/,
    );
  });

  it('custom β: every derived array follows from the definitions, in float64', () => {
    const betas = [0.1, 0.2, 0.3, 0.4];
    const s = DiffusionSchedule.fromBetas(betas);
    let abar = 1;
    betas.forEach((b, i) => {
      const prev = abar;
      abar *= 1 - b;
      expect(s.alphas[i]).toBe(1 - b);
      expect(s.alphasCumprod[i]).toBeCloseTo(abar, 15);
      expect(s.alphasCumprodPrev[i]).toBeCloseTo(prev, 15);
      expect(s.sqrtAlphasCumprod[i]).toBeCloseTo(Math.sqrt(abar), 15);
      expect(s.sqrtOneMinusAlphasCumprod[i]).toBeCloseTo(Math.sqrt(1 - abar), 15);
      expect(s.posteriorVariance[i]).toBeCloseTo((b * (1 - prev)) / (1 - abar), 15);
      expect(s.posteriorMeanCoefX0[i]).toBeCloseTo((Math.sqrt(prev) * b) / (1 - abar), 15);
      expect(s.posteriorMeanCoefZt[i]).toBeCloseTo(
        (Math.sqrt(1 - b) * (1 - prev)) / (1 - abar),
        15,
      );
    });
    // β̃₁ = 0 has no log: the clipped log variances start with log β̃₂
    expect(s.posteriorVariance[0]).toBe(0);
    expect(s.posteriorLogVarianceClipped[0]).toBeCloseTo(Math.log(s.posteriorVariance[1]!), 15);
    expect(s.betaLogVarianceClipped[0]).toBeCloseTo(Math.log(s.posteriorVariance[1]!), 15);
    expect(s.betaLogVarianceClipped[2]).toBeCloseTo(Math.log(0.3), 15);
    expect(() => DiffusionSchedule.fromBetas([0.1, 0])).toThrow(
      /DiffusionSchedule: every β_t must be in \(0, 1\), got β\[1\] = 0/,
    );
    expect(() => DiffusionSchedule.fromBetas([])).toThrow(
      /DiffusionSchedule: expected at least one β, got an empty schedule/,
    );
  });

  it('coefficients come as [B, 1, …] tensors in the data’s dtype, gathered at each example’s timestep', () => {
    const s = DiffusionSchedule.fromBetas([0.1, 0.2, 0.3]);
    const x = randn([3, 2, 2], { dtype: 'float64' });
    const c = s.coefficient('alphasCumprod', tensor([2, 0, 1], { dtype: 'int32' }), x);
    expect(c.shape).toEqual([3, 1, 1]);
    expect(c.dtype).toBe('float64');
    expect(Array.from(c.dataSync())).toEqual([
      s.alphasCumprod[2],
      s.alphasCumprod[0],
      s.alphasCumprod[1],
    ]);
    expect(s.coefficient('betas', 1, x).shape).toEqual([1, 1, 1]);
    expect(() => s.coefficient('betas', 3, x)).toThrow(
      /DiffusionSchedule.betas: timestep must be an integer in \[0, 3\), got 3/,
    );
    expect(() => s.coefficient('betas', tensor([0, 1], { dtype: 'int32' }), x)).toThrow(
      /DiffusionSchedule.betas: timesteps must be \[3\] for data \[3,2,2\], got \[2\]/,
    );
    expect(() => s.coefficient('betas', tensor([0, 1, 5], { dtype: 'int32' }), x)).toThrow(
      /timesteps must be in \[0, 3\), got 5/,
    );
    expect(() => s.coefficient('betas', tensor([0, 1, 2]), x)).toThrow(
      /timesteps must be int32, got float32/,
    );
  });
});

describe('the forward process', () => {
  // Monte Carlo in float64: N chains, each a row of D = 4 coordinates with different x.
  const N = 20000;
  const x0Row = [-1.5, 0, 0.5, 2];
  const x0 = tensor(
    Array.from({ length: N }, () => x0Row),
    { dtype: 'float64' },
  );

  it('simulating q(zₜ | z_{t−1}) = N(√(1−βₜ) z_{t−1}, βₜ I) step by step gives the closed form N(√ᾱₜ x, (1 − ᾱₜ) I)', () => {
    const s = DiffusionSchedule.linear(40);
    const gen = new Generator(11);
    let z = x0;
    for (let t = 0; t < s.numTimesteps; t++) {
      // one step of the chain written out from βₜ alone, independent of ᾱ
      const beta = s.betas[t]!;
      z = z
        .mul(Math.sqrt(1 - beta))
        .add(randn([N, 4], { dtype: 'float64', generator: gen }).mul(Math.sqrt(beta)));
      if (t % 13 !== 0 && t !== s.numTimesteps - 1) continue;
      const abar = s.alphasCumprod[t]!;
      const { mean, variance } = columnMoments(z);
      const closed = s.qMeanVariance(x0.narrow(0, 0, 1), t);
      x0Row.forEach((x, j) => {
        // 4.5 standard errors: mean error sd = √((1−ᾱ)/N), variance error sd = (1−ᾱ)√(2/(N−1))
        expect(Math.abs(mean[j]! - Math.sqrt(abar) * x)).toBeLessThan(
          4.5 * Math.sqrt((1 - abar) / N),
        );
        expect(Math.abs(variance[j]! / (1 - abar) - 1)).toBeLessThan(4.5 * Math.sqrt(2 / (N - 1)));
        expect(closed.mean.dataSync()[j]).toBeCloseTo(Math.sqrt(abar) * x, 14);
      });
      expect(closed.variance.item()).toBeCloseTo(1 - abar, 14);
    }
  });

  it('qStep chained T times and qSample agree in distribution; qSample with given noise is √ᾱₜ x + √(1−ᾱₜ) ε', () => {
    const s = DiffusionSchedule.cosine(20);
    const gen = new Generator(5);
    let z = x0;
    for (let t = 0; t < 10; t++) z = s.qStep(z, t, undefined, { generator: gen });
    const direct = s.qSample(x0, 9, undefined, { generator: gen });
    const a = columnMoments(z);
    const b = columnMoments(direct);
    const sd = Math.sqrt(1 - s.alphasCumprod[9]!);
    for (let j = 0; j < 4; j++) {
      expect(Math.abs(a.mean[j]! - b.mean[j]!)).toBeLessThan(4.5 * sd * Math.sqrt(2 / N));
      expect(Math.abs(a.variance[j]! / b.variance[j]! - 1)).toBeLessThan(
        4.5 * 2 * Math.sqrt(1 / (N - 1)),
      );
    }
    const eps = randn([2, 3], { dtype: 'float64' });
    const x = randn([2, 3], { dtype: 'float64' });
    const t = tensor([4, 17], { dtype: 'int32' });
    const zt = s.qSample(x, t, eps).dataSync();
    const xv = x.dataSync();
    const ev = eps.dataSync();
    for (let i = 0; i < 6; i++) {
      const step = i < 3 ? 4 : 17;
      expect(zt[i]).toBeCloseTo(
        s.sqrtAlphasCumprod[step]! * xv[i]! + s.sqrtOneMinusAlphasCumprod[step]! * ev[i]!,
        14,
      );
    }
    expect(() => s.qSample(x, t, randn([3, 2]))).toThrow(
      /qSample: noise must have the data's shape \[2,3\], got \[3,2\]/,
    );
  });

  it('the posterior q(z_{t−1} | zₜ, x) equals Bayes’ rule q(zₜ | z_{t−1}) q(z_{t−1} | x) / q(zₜ | x), integrated numerically', () => {
    const s = DiffusionSchedule.cosine(30);
    const x = 0.7;
    const zt = -0.4;
    for (const t of [1, 2, 10, 29]) {
      // maths step t + 1: prior q(z_{t−1} | x) = N(√ᾱ_{t−1} x, 1 − ᾱ_{t−1}), likelihood q(zₜ | z_{t−1}) = N(√αₜ z_{t−1}, βₜ)
      const priorMean = Math.sqrt(s.alphasCumprodPrev[t]!) * x;
      const priorVar = 1 - s.alphasCumprodPrev[t]!;
      const logDensity = (z: number): number =>
        -((z - priorMean) ** 2) / (2 * priorVar) -
        (zt - Math.sqrt(s.alphas[t]!) * z) ** 2 / (2 * s.betas[t]!);
      const sd = Math.sqrt(Math.min(priorVar, s.betas[t]! / s.alphas[t]!));
      const centre = priorMean;
      const lo = centre - 40 * Math.sqrt(priorVar);
      const hi = centre + 40 * Math.sqrt(priorVar);
      const n = Math.ceil((hi - lo) / (sd / 50));
      let [m0, m1, m2] = [0, 0, 0];
      for (let i = 0; i <= n; i++) {
        const z = lo + ((hi - lo) * i) / n;
        const w = (i === 0 || i === n ? 0.5 : 1) * Math.exp(logDensity(z));
        m0 += w;
        m1 += w * z;
        m2 += w * z * z;
      }
      const bayesMean = m1 / m0;
      const bayesVar = m2 / m0 - bayesMean ** 2;
      const post = s.qPosterior(
        tensor([[x]], { dtype: 'float64' }),
        tensor([[zt]], { dtype: 'float64' }),
        t,
      );
      expect(post.mean.item()).toBeCloseTo(bayesMean, 9);
      expect(post.variance.item() / bayesVar).toBeCloseTo(1, 7);
    }
    // at the first step z₀ = x exactly: the posterior is a point mass at x
    const first = s.qPosterior(
      tensor([[x]], { dtype: 'float64' }),
      tensor([[zt]], { dtype: 'float64' }),
      0,
    );
    expect(first.mean.item()).toBeCloseTo(x, 15);
    expect(first.variance.item()).toBe(0);
  });
});
