import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor } from '@webgrad/core-tensor';
import { gradcheck } from '@webgrad/autograd';
import { klStandardNormal, reparameterize } from '@webgrad/generative-vae';

const values = (t: { dataSync(): ArrayLike<number> }): number[] => Array.from(t.dataSync());

describe('klStandardNormal: KL(N(μ,σ²) ‖ N(0,1)) = ½Σ(μ² + σ² − 1 − log σ²)', () => {
  it('is 0 at the prior and ½μ² + ½(σ² − 1 − log σ²) elsewhere', () => {
    expect(klStandardNormal(tensor([[0, 0, 0]]), tensor([[0, 0, 0]])).item()).toBe(0);
    const mu = [0.5, -1.5];
    const logvar = [Math.log(0.25), Math.log(3)];
    const byHand = mu.reduce(
      (s, m, j) => s + 0.5 * (m * m + Math.exp(logvar[j]!) - 1 - logvar[j]!),
      0,
    );
    expect(klStandardNormal(tensor([mu]), tensor([logvar])).item()).toBeCloseTo(byHand, 6);
  });

  it('equals the Monte-Carlo average of log q(z) − log p(z) over z ~ q', () => {
    const mu = [0.8, -0.3, 1.7];
    const sigma = [0.5, 1.4, 0.9];
    const logvar = sigma.map((s) => Math.log(s * s));
    const n = 200_000;
    const gen = new Generator(11);
    const z = reparameterize(
      tensor(mu, { dtype: 'float64' }).expand([n, 3]),
      tensor(logvar, { dtype: 'float64' }).expand([n, 3]),
      { generator: gen },
    );
    // log q(z) − log p(z) = Σ_j [−log σ_j − (z_j − μ_j)²/(2σ_j²) + z_j²/2]
    const zs = values(z);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 3; j++) {
        const v = zs[3 * i + j]!;
        sum += -Math.log(sigma[j]!) - (v - mu[j]!) ** 2 / (2 * sigma[j]! ** 2) + (v * v) / 2;
      }
    }
    const monteCarlo = sum / n;
    const closedForm = klStandardNormal(tensor([mu]), tensor([logvar])).item();
    // the estimator's standard error here is about 0.005
    expect(Math.abs(monteCarlo - closedForm)).toBeLessThan(0.02);
  });

  it('reduces per example: none [N], mean, sum', () => {
    const mu = tensor([
      [1, 0],
      [0, 2],
    ]);
    const logvar = tensor([
      [0, 0],
      [0, 0],
    ]);
    expect(values(klStandardNormal(mu, logvar, { reduction: 'none' }))).toEqual([0.5, 2]);
    expect(klStandardNormal(mu, logvar).item()).toBeCloseTo(1.25, 6);
    expect(klStandardNormal(mu, logvar, { reduction: 'sum' }).item()).toBeCloseTo(2.5, 6);
  });

  it('has the gradients ∂KL/∂μ = μ and ∂KL/∂log σ² = ½(σ² − 1) (gradcheck, float64)', () => {
    const mu = randn([4, 3], { dtype: 'float64', generator: new Generator(1) });
    const logvar = randn([4, 3], { dtype: 'float64', generator: new Generator(2) });
    expect(gradcheck((m, l) => klStandardNormal(m, l, { reduction: 'sum' }), [mu, logvar]).ok).toBe(
      true,
    );
    const m = mu.detach().requiresGrad_();
    const l = logvar.detach().requiresGrad_();
    klStandardNormal(m, l, { reduction: 'sum' }).backward();
    const want = values(logvar).map((v) => 0.5 * (Math.exp(v) - 1));
    values(l.grad!).forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 12));
    expect(values(m.grad!)).toEqual(values(mu));
  });

  it('refuses mismatched shapes and unknown reductions by name', () => {
    expect(() => klStandardNormal(tensor([[0, 0]]), tensor([[0, 0, 0]]))).toThrow(
      'klStandardNormal: expected mu and logvar of one shape [N, L], got mu [1,2] and logvar [1,3]',
    );
    expect(() =>
      klStandardNormal(tensor([[0]]), tensor([[0]]), { reduction: 'batchmean' as 'mean' }),
    ).toThrow("klStandardNormal: reduction must be 'none', 'mean' or 'sum', got 'batchmean'");
  });
});
