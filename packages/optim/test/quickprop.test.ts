import { describe, expect, it } from 'vitest';
import { tensor, tidy } from '@webgrad/core-tensor';
import { Parameter } from '@webgrad/nn';
import { QuickProp, quickpropUpdate } from '@webgrad/optim';

/** E(w) = Σ ½aᵢ(wᵢ − cᵢ)², so ∂E/∂wᵢ = aᵢ(wᵢ − cᵢ) and the minimum is w = c. */
const A = tensor([2, 0.5], { dtype: 'float64' });
const C = tensor([1, -1], { dtype: 'float64' });
const quadratic = (w: Parameter) => w.sub(C).square().mul(A).mul(0.5).sum();

function trajectory(options: ConstructorParameters<typeof QuickProp>[1], steps: number): number[][] {
  const w = new Parameter(tensor([3, 2], { dtype: 'float64' }));
  const opt = new QuickProp([w], options);
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    tidy(() => {
      opt.zeroGrad();
      quadratic(w).backward();
      opt.step();
    });
    out.push(Array.from(w.dataSync()));
  }
  return out;
}

function expectRows(actual: number[][], expected: number[][]): void {
  actual.forEach((row, k) => row.forEach((v, i) => expect(v, `step ${k + 1}, w[${i}]`).toBeCloseTo(expected[k][i], 12)));
}

describe('QuickProp (Fahlman 1988) against steps computed by hand, ε = 0.1, μ = 1.75 (σ = μ/(1+μ) = 7/11)', () => {
  it('follows the growth limit, the secant step and the gradient term on a quadratic', () => {
    // w₁: a = 2, c = 1, from 3.
    //  1: g = 4, no previous step: Δ = −εg = −0.4 → 2.6
    //  2: g = 3.2, g₋ = 4, Δ₋ = −0.4: Δ₋(g − σg₋) = −0.4·0.6545 ≤ 0 → capped, q = μΔ₋ = −0.7;
    //     g·Δ₋ < 0 adds −εg = −0.32: Δ = −1.02 → 1.58
    //  3: g = 1.16, g₋ = 3.2: Δ₋(g − σg₋) = −1.02·(−0.8764) > 0 → secant q = Δ₋g/(g₋ − g) = −0.58
    //     (which alone lands on c); plus −εg = −0.116: Δ = −0.696 → 0.884
    //  4: g = −0.232 (the slope changed sign): secant q = −0.696·(−0.232)/(1.16 + 0.232) = 0.116, no
    //     gradient term → exactly 1
    // w₂: a = 0.5, c = −1, from 2.
    //  1: g = 1.5: Δ = −0.15 → 1.85
    //  2: g = 1.425, g₋ = 1.5: 1.425 − σ·1.5 = 0.4705 > 0 → capped: q = −0.2625, plus −0.1425: Δ = −0.405 → 1.445
    //  3: g = 1.2225 > σ·1.425 = 0.9068 → capped: q = −0.70875, plus −0.12225: Δ = −0.831 → 0.614
    //  4: g = 0.807 > σ·1.2225 = 0.7780 → capped: q = −1.45425, plus −0.0807: Δ = −1.53495 → −0.92095
    expectRows(trajectory({ lr: 0.1, mu: 1.75 }, 4), [
      [2.6, 1.85],
      [1.58, 1.445],
      [0.884, 0.614],
      [1, -0.92095],
    ]);
  });

  it('without the gradient term, the first uncapped secant step lands on the minimum of the quadratic', () => {
    // w₁: 3 → 2.6 (gradient step) → 1.9 (capped: μΔ₋ = −0.7) → g = 1.8 < σ·3.2: secant −0.7·1.8/1.4 = −0.9 → 1
    const rows = trajectory({ lr: 0.1, mu: 1.75, gradientTerm: false }, 3);
    expect(rows[0][0]).toBeCloseTo(2.6, 12);
    expect(rows[1][0]).toBeCloseTo(1.9, 12);
    expect(rows[2][0]).toBeCloseTo(1, 12);
  });

  it('falls back to a gradient step where the secant denominator g₋ − g is zero', () => {
    // Δ₋ = 0.5, g₋ = g = 2: Δ₋(g − σg₋) > 0 asks for the secant, whose denominator is 0 → Δ = −εg = −0.2
    const out = tidy(() => {
      const f = (v: number[]) => tensor(v, { dtype: 'float64' });
      const r = quickpropUpdate.apply(
        { param: f([1, 1]), grad: f([2, 1]), state: { prevStep: f([0.5, -0.5]), prevGrad: f([2, 3]) } },
        { lr: 0.1, mu: 1.75, weightDecay: 0, gradientTerm: true, maximize: false },
      );
      return Array.from(r.param.dataSync());
    });
    // second weight, an ordinary secant step beside it: g = 1, g₋ = 3, Δ₋ = −0.5: Δ₋(g − σg₋) > 0 →
    // q = −0.5·1/(3 − 1) = −0.25, plus −εg = −0.1 (g·Δ₋ < 0): Δ = −0.35
    expect(out[0]).toBeCloseTo(1 - 0.2, 14);
    expect(out[1]).toBeCloseTo(1 - 0.35, 14);
  });

  it('validates μ', () => {
    const w = new Parameter(tensor([1]));
    expect(() => new QuickProp([w], { mu: 0 })).toThrow('QuickProp: invalid mu (defaults): 0 (expected a finite number > 0)');
  });
});
