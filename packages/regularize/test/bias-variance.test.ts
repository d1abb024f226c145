import { describe, expect, it } from 'vitest';
import { Generator, linspace, rand, randn, tensor, type Tensor } from '@webgrad/core-tensor';
import { biasVariance, type Predictor } from '@webgrad/regularize';

/**
 * Least-squares polynomial of `degree` (in the Chebyshev basis on [0, 1], which keeps the
 * normal equations well conditioned), solved on the host by Gaussian elimination.
 */
function fitPolynomial(degree: number) {
  const features = (x: number): number[] => {
    const t = 2 * x - 1;
    const out = [1, t];
    while (out.length <= degree) out.push(2 * t * out[out.length - 1]! - out[out.length - 2]!);
    return out.slice(0, degree + 1);
  };
  return (x: Tensor, y: Tensor): Predictor => {
    const xs = Array.from(x.dataSync());
    const ys = Array.from(y.dataSync());
    const k = degree + 1;
    const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
    xs.forEach((xi, i) => {
      const phi = features(xi);
      for (let r = 0; r < k; r++) {
        for (let c = 0; c < k; c++) a[r]![c]! += phi[r]! * phi[c]!;
        a[r]![k]! += phi[r]! * ys[i]!;
      }
    });
    for (let r = 0; r < k; r++) a[r]![r]! += 1e-9; // a whisper of ridge for resamples with repeated points
    for (let col = 0; col < k; col++) {
      const pivot = a
        .slice(col)
        .reduce(
          (best, row, i) => (Math.abs(row[col]!) > Math.abs(a[best]![col]!) ? col + i : best),
          col,
        );
      [a[col], a[pivot]] = [a[pivot]!, a[col]!];
      for (let r = 0; r < k; r++) {
        if (r === col) continue;
        const f = a[r]![col]! / a[col]![col]!;
        for (let c = col; c <= k; c++) a[r]![c]! -= f * a[col]![c]!;
      }
    }
    const w = a.map((row, r) => row[k]! / row[r]!);
    return (xt: Tensor) =>
      tensor(
        Float64Array.from(xt.dataSync(), (v) => features(v).reduce((s, p, i) => s + p * w[i]!, 0)),
        { dtype: 'float64' },
      );
  };
}

describe('biasVariance on the course’s polynomial example: d = sin(2πx) + ε, σ = 0.3', () => {
  const n = 50;
  const sigma = 0.3;
  const g = new Generator(2024);
  const x = rand([n], { generator: g, dtype: 'float64' });
  const truth = (t: Tensor) => t.mul(2 * Math.PI).sin();
  const y = truth(x).add(randn([n], { generator: g, dtype: 'float64' }).mul(sigma));
  const xTest = linspace(0.05, 0.95, 60, { dtype: 'float64' });
  const yTest = truth(xTest).add(randn([60], { generator: g, dtype: 'float64' }).mul(sigma));

  const run = (degree: number) =>
    biasVariance({
      x,
      y,
      xTest,
      yTest,
      trueTest: truth(xTest),
      fit: fitPolynomial(degree),
      rounds: 60,
      seed: 1,
    });

  it('low degree: high bias, low variance; high degree: low bias, high variance', async () => {
    const [d1, d3, d9] = await Promise.all([run(1), run(3), run(9)]);
    // a line cannot follow one period of a sine: bias² near the variance of sin over [0, 1] minus what a line explains
    expect(d1.bias2).toBeGreaterThan(0.15);
    expect(d3.bias2).toBeLessThan(d1.bias2 / 5);
    expect(d9.bias2).toBeLessThan(d1.bias2 / 5);
    expect(d1.variance).toBeLessThan(d9.variance);
    expect(d3.variance).toBeLessThan(d9.variance);
    expect(d9.variance).toBeGreaterThan(d9.bias2);
    // the middle degree has the smallest expected test error
    expect(d3.expectedError).toBeLessThan(d1.expectedError);
    expect(d3.expectedError).toBeLessThan(d9.expectedError);
  });

  it('splits the expected error into bias² + variance + noise (noise measured from yTest − f)', async () => {
    const r = await run(3);
    expect(r.noise).toBeGreaterThan(0.5 * sigma ** 2);
    expect(r.noise).toBeLessThan(1.5 * sigma ** 2);
    // (y − ŷ)² = (y − f)² + (f − ȳ̂)² + (ȳ̂ − ŷ)² + cross terms that vanish only on average
    expect(Math.abs(r.expectedError - (r.bias2 + r.variance + r.noise))).toBeLessThan(0.05);
    expect(r.meanPrediction.length).toBe(60);
  });

  it('with a known noise variance and no truth, bias² = mean (y − ȳ̂)² − σ²', async () => {
    const withTruth = await run(3);
    const withoutTruth = await biasVariance({
      x,
      y,
      xTest,
      yTest,
      noiseVariance: withTruth.noise,
      fit: fitPolynomial(3),
      rounds: 60,
      seed: 1,
    });
    expect(withoutTruth.variance).toBeCloseTo(withTruth.variance, 12);
    expect(Math.abs(withoutTruth.bias2 - withTruth.bias2)).toBeLessThan(0.03);
  });

  it('needs the truth to separate bias² from noise', async () => {
    await expect(biasVariance({ x, y, xTest, yTest, fit: fitPolynomial(1) })).rejects.toThrow(
      'biasVariance: bias² needs the truth: pass trueTest, or yTest together with noiseVariance',
    );
  });
});
