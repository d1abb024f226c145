import { describe, expect, it } from 'vitest';
import { matmul, tensor, tidy, type Tensor } from '@webgrad/core-tensor';
import { Parameter } from '@webgrad/nn';
import { SGD, curvature, maxCurvature, maxStableStep, optimalQuadraticStep } from '@webgrad/optim';

// E(w) = ½wᵀAw with A = [[5, 3], [3, 5]]: eigenvalues 8 (along [1, 1]) and 2 (along [1, −1]).
const A = tensor(
  [
    [5, 3],
    [3, 5],
  ],
  { dtype: 'float64' },
);
const energy = (w: Tensor) => matmul(w.reshape([1, 2]), matmul(A, w.reshape([2, 1]))).sum().mul(0.5);

/** ‖w‖ after `steps` of gradient descent with learning rate η from w₀ = (1, 0.5). */
function descend(eta: number, steps: number): number {
  const w = new Parameter(tensor([1, 0.5], { dtype: 'float64' }));
  const opt = new SGD([w], { lr: eta });
  for (let k = 0; k < steps; k++) {
    tidy(() => {
      opt.zeroGrad();
      energy(w).backward();
      opt.step();
    });
  }
  return Math.hypot(...w.dataSync());
}

describe('learning rates on a quadratic (the course: η_opt = 1/E″, divergence beyond 2/λ_max)', () => {
  it('η_opt = 1/E″(w): one gradient step lands on the minimum of a one-dimensional quadratic', () => {
    // E(w) = ½·4·(w − 3)², E″ = 4
    const w = new Parameter(tensor([10], { dtype: 'float64' }));
    const f = (x: Tensor) => x.sub(3).square().mul(2).sum();
    const eta = optimalQuadraticStep(tidy(() => curvature(f, w).item()));
    expect(eta).toBeCloseTo(0.25, 14);
    const opt = new SGD([w], { lr: eta });
    tidy(() => {
      f(w).backward();
      opt.step();
    });
    expect(w.item()).toBeCloseTo(3, 12);
  });

  it('gradient descent converges for η < 2/λ_max and diverges for η > 2/λ_max', () => {
    const lambdaMax = tidy(() => maxCurvature(energy, tensor([0.3, -0.7], { dtype: 'float64' }), { iterations: 40 }).item());
    expect(lambdaMax).toBeCloseTo(8, 10);
    const limit = maxStableStep(lambdaMax);
    expect(limit).toBeCloseTo(0.25, 10);
    // along [1, 1] each step multiplies the error by |1 − 8η|: 0.92 at η = 0.24, 1.08 at η = 0.26
    expect(descend(0.96 * limit, 150)).toBeLessThan(1e-4);
    expect(descend(1.04 * limit, 150)).toBeGreaterThan(1e4);
  });

  it('curvature along a direction is dᵀHd/dᵀd; along the gradient it gives the exact line-search step of a quadratic', () => {
    const w = tensor([1, 1], { dtype: 'float64' });
    expect(tidy(() => curvature(energy, w, tensor([1, -1], { dtype: 'float64' })).item())).toBeCloseTo(2, 12);
    expect(tidy(() => curvature(energy, w).item())).toBeCloseTo(8, 12); // the gradient Aw is along [1, 1]
  });

  it('rejects curvature without a minimum', () => {
    expect(() => optimalQuadraticStep(-2)).toThrow("optimalQuadraticStep: E''(w) must be a finite number > 0 (a quadratic with a minimum), got -2");
    expect(() => maxStableStep(0)).toThrow('maxStableStep: λ_max must be a finite number > 0, got 0');
  });
});
