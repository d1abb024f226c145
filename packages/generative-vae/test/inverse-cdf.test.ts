import { describe, expect, it } from 'vitest';
import { Generator, randn } from '@webgrad/core-tensor';
import {
  discreteQuantile,
  exponentialQuantile,
  inverseCdfSample,
  normalCdf,
  normalQuantile,
  tabulatedQuantile,
} from '@webgrad/generative-vae';

/** The Kolmogorov–Smirnov statistic D = sup_x |F_n(x) − F(x)| of a sample against a CDF. */
function ksStatistic(sample: ArrayLike<number>, cdf: (x: number) => number): number {
  const s = Float64Array.from(sample).sort();
  const n = s.length;
  let d = 0;
  s.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  });
  return d;
}

// At the 1% level the KS test rejects when D > 1.628/√n.
const ksCritical = (n: number): number => 1.628 / Math.sqrt(n);

const N = 20_000;

describe('inverse-CDF sampling: X = F⁻¹(U) with U uniform has CDF F', () => {
  it('exponential(λ = 2): mean 1/λ, variance 1/λ², and passes the KS test against 1 − e^{−λx}', () => {
    const x = inverseCdfSample(exponentialQuantile(2), [N], {
      generator: new Generator(1),
      dtype: 'float64',
    });
    const v = Array.from(x.dataSync());
    const mean = v.reduce((a, b) => a + b, 0) / N;
    const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / N;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / N));
    expect(Math.abs(variance - 0.25)).toBeLessThan(0.02);
    expect(ksStatistic(v, (t) => 1 - Math.exp(-2 * t))).toBeLessThan(ksCritical(N));
    // and the test has teeth: the same sample is rejected as exponential(λ = 2.1)
    expect(ksStatistic(v, (t) => 1 - Math.exp(-2.1 * t))).toBeGreaterThan(ksCritical(N));
  });

  it('a tabulated discrete distribution: frequencies match the probabilities (χ² test)', () => {
    const values = [-1, 0, 2, 5];
    const p = [0.1, 0.4, 0.3, 0.2];
    const x = Array.from(
      inverseCdfSample(discreteQuantile(values, [1, 4, 3, 2]), [N], {
        generator: new Generator(2),
      }).dataSync(),
    );
    const counts = values.map((v) => x.filter((s) => s === v).length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(N); // nothing outside the support
    const chi2 = counts.reduce((s, c, i) => s + (c - N * p[i]!) ** 2 / (N * p[i]!), 0);
    expect(chi2).toBeLessThan(11.34); // χ²₃ at the 1% level
    // zero-probability values are never drawn
    const q = discreteQuantile([1, 2, 3], [0.5, 0, 0.5]);
    expect([q(0.5), q(0.5000001), q(1)]).toEqual([1, 3, 3]);
  });

  it('a tabulated continuous density (triangular on [0, 2]): passes the KS test against its CDF', () => {
    const tri = tabulatedQuantile([0, 1, 2], [0, 1, 0]);
    expect(tri(0.5)).toBeCloseTo(1, 12);
    expect(tri(0.125)).toBeCloseTo(0.5, 12); // F(x) = x²/2 on [0, 1]
    const v = Array.from(
      inverseCdfSample(tri, [N], { generator: new Generator(3), dtype: 'float64' }).dataSync(),
    );
    const cdf = (x: number) => (x <= 1 ? (x * x) / 2 : 1 - ((2 - x) * (2 - x)) / 2);
    expect(ksStatistic(v, cdf)).toBeLessThan(ksCritical(N));
    // a density that is not normalised is normalised: a uniform table gives U(3, 5)
    const u = tabulatedQuantile([3, 4, 5], [7, 7, 7]);
    expect([u(0.25), u(0.5), u(0.75)].map((t) => Number(t.toFixed(12)))).toEqual([3.5, 4, 4.5]);
  });

  it('Y = F_X(X) is uniform: Φ of standard normal draws passes the KS test against U(0, 1)', () => {
    const x = Array.from(randn([N], { generator: new Generator(4), dtype: 'float64' }).dataSync());
    expect(ksStatistic(x.map(normalCdf), (u) => Math.min(1, Math.max(0, u)))).toBeLessThan(
      ksCritical(N),
    );
  });

  it('Φ⁻¹ inverts Φ and matches known quantiles; inverting it samples N(0, 1)', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 14);
    expect(normalCdf(5)).toBeCloseTo(0.9999997133484281, 14);
    for (const p of [1e-6, 0.01, 0.3, 0.77, 0.999])
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 13);
    const v = Array.from(
      inverseCdfSample(normalQuantile, [N], {
        generator: new Generator(5),
        dtype: 'float64',
      }).dataSync(),
    );
    expect(ksStatistic(v, normalCdf)).toBeLessThan(ksCritical(N));
  });

  it('refuses malformed tables by name', () => {
    expect(() => discreteQuantile([1, 2], [1])).toThrow(
      'discreteQuantile: expected as many probabilities as values (at least one), got 2 values and 1 probabilities',
    );
    expect(() => discreteQuantile([1], [0])).toThrow(
      'discreteQuantile: probabilities (weights) must not all be 0',
    );
    expect(() => tabulatedQuantile([0, 0, 1], [1, 1, 1])).toThrow(
      'tabulatedQuantile: points must increase, got 0 then 0',
    );
    expect(() => exponentialQuantile(0)).toThrow(
      'exponentialQuantile: rate must be a positive number, got 0',
    );
    expect(() => normalQuantile(1.5)).toThrow('normalQuantile: p must be in [0, 1], got 1.5');
  });
});
