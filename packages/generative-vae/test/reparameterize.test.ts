import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor } from '@webgrad/core-tensor';
import { gradcheck } from '@webgrad/autograd';
import { reparameterize } from '@webgrad/generative-vae';

const values = (t: { dataSync(): ArrayLike<number> }): number[] => Array.from(t.dataSync());

describe('reparameterize: z = μ + σ ⊙ ε, ε ~ N(0, I)', () => {
  it('draws z with mean μ and standard deviation σ = exp(½ log σ²)', () => {
    const n = 50_000;
    const z = values(
      reparameterize(
        tensor([2, -1]).expand([n, 2]),
        tensor([Math.log(0.09), Math.log(4)]).expand([n, 2]),
        {
          generator: new Generator(3),
        },
      ),
    );
    const col = (j: number) => z.filter((_, i) => i % 2 === j);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const std = (v: number[]) => {
      const m = mean(v);
      return Math.sqrt(mean(v.map((x) => (x - m) ** 2)));
    };
    expect(mean(col(0))).toBeCloseTo(2, 2);
    expect(std(col(0))).toBeCloseTo(0.3, 2);
    expect(mean(col(1))).toBeCloseTo(-1, 1);
    expect(std(col(1))).toBeCloseTo(2, 1);
  });

  it('takes ε from the Philox stream: the same seed gives the same z, and ε is randn of that stream', () => {
    const mu = tensor([[0.5, 1, -2]]);
    const logvar = tensor([[0.1, -0.4, 0.3]]);
    const a = values(reparameterize(mu, logvar, { generator: new Generator(5) }));
    const b = values(reparameterize(mu, logvar, { generator: new Generator(5) }));
    const eps = values(randn([1, 3], { generator: new Generator(5) }));
    expect(a).toEqual(b);
    a.forEach((z, j) =>
      expect(z).toBeCloseTo(values(mu)[j]! + Math.exp(0.5 * values(logvar)[j]!) * eps[j]!, 5),
    );
  });

  it('passes gradients to μ and log σ²: ∂z/∂μ = 1, ∂z/∂log σ² = ½σε (gradcheck, float64)', () => {
    const mu = randn([3, 4], { dtype: 'float64', generator: new Generator(1) });
    const logvar = randn([3, 4], { dtype: 'float64', generator: new Generator(2) });
    // a fresh generator per call: every evaluation sees the same ε, as the finite differences need
    const f = (m: typeof mu, l: typeof mu) =>
      reparameterize(m, l, { generator: new Generator(9) }).square();
    expect(gradcheck(f, [mu, logvar]).ok).toBe(true);

    const l = logvar.detach().requiresGrad_();
    const eps = randn([3, 4], { dtype: 'float64', generator: new Generator(4) });
    reparameterize(mu, l, { eps }).sum().backward();
    const want = values(logvar).map((v, i) => 0.5 * Math.exp(0.5 * v) * values(eps)[i]!);
    values(l.grad!).forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 12));
  });

  it('refuses mismatched shapes by name', () => {
    expect(() => reparameterize(tensor([[0, 0]]), tensor([[0]]))).toThrow(
      'reparameterize: expected mu and logvar of one shape, got mu [1,2] and logvar [1,1]',
    );
    expect(() =>
      reparameterize(tensor([[0, 0]]), tensor([[0, 0]]), { eps: tensor([0, 0]) }),
    ).toThrow("reparameterize: expected eps of mu's shape [1,2], got [2]");
  });
});
