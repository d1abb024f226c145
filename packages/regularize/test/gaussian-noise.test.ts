import { describe, expect, it } from 'vitest';
import { Generator, linspace, randn, tensor } from '@webgrad/core-tensor';
import { GaussianNoise, gaussianNoise } from '@webgrad/regularize';

describe('GaussianNoise', () => {
  it('adds N(0, σ²) noise in training and nothing in eval mode', () => {
    const x = tensor(new Float32Array(50_000).fill(2));
    const layer = new GaussianNoise(0.5, { generator: new Generator(1) });
    const noise = Array.from(layer.forward(x).dataSync()).map((v) => v - 2);
    const m = noise.reduce((s, v) => s + v, 0) / noise.length;
    const sd = Math.sqrt(noise.reduce((s, v) => s + (v - m) ** 2, 0) / noise.length);
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.01);
    expect(layer.eval().forward(x)).toBe(x);
    expect(layer.toString()).toBe('GaussianNoise(sigma=0.5)');
    expect(() => new GaussianNoise(-1)).toThrow(
      'GaussianNoise: sigma must be a finite number >= 0, got -1',
    );
  });

  it('on linear regression y = w₁x + w₀ the expected noisy loss is the clean loss plus σ²w₁²', () => {
    // data d = 1.5x − 0.3 + small residuals; the model w₁ = 2, w₀ = 0.1 is deliberately off
    const n = 64;
    const x = linspace(-1, 1, n);
    const d = x
      .mul(1.5)
      .sub(0.3)
      .add(randn([n], { generator: new Generator(3) }).mul(0.1));
    const [w1, w0, sigma] = [2, 0.1, 0.4];
    const loss = (input: typeof x) => input.mul(w1).add(w0).sub(d).square().mean().item();
    const clean = loss(x);
    // Monte Carlo: 4000 noisy copies of the data set at once, one per row (d broadcasts over the rows)
    const draws = 4000;
    const noisy = loss(
      gaussianNoise(x.expand([draws, n]), sigma, true, { generator: new Generator(7) }),
    );
    // per element the excess is (w₁ε)² + 2w₁ε·r with sd ≈ 1.2, so the mean over 256 000 has sd ≈ 0.0024
    expect(noisy - clean).toBeGreaterThan(sigma ** 2 * w1 ** 2 - 0.02);
    expect(noisy - clean).toBeLessThan(sigma ** 2 * w1 ** 2 + 0.02);
  });
});
