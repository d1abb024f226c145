import { describe, expect, it } from 'vitest';
import { concat, matmul, tensor, tidy, type Tensor } from '@webgrad/core-tensor';
import { Parameter } from '@webgrad/nn';
import { Newton } from '@webgrad/optim';

// E(w) = ½wᵀAw − bᵀw with A symmetric positive definite: ∇E = Aw − b, H = A, minimum w* = A⁻¹b.
const A = tensor(
  [
    [4, 1, 0.5],
    [1, 3, -0.5],
    [0.5, -0.5, 2],
  ],
  { dtype: 'float64' },
);
const b = tensor([1, -2, 0.5], { dtype: 'float64' });
const quadratic = (w: Tensor) => matmul(w.reshape([1, 3]), matmul(A, w.reshape([3, 1]))).sum().mul(0.5).sub(w.mul(b).sum());

/** A⁻¹b by Cramer's rule, independent of the optimizer's Cholesky solve. */
function solve3(m: number[][], r: number[]): number[] {
  const det = (x: number[][]) =>
    x[0][0] * (x[1][1] * x[2][2] - x[1][2] * x[2][1]) - x[0][1] * (x[1][0] * x[2][2] - x[1][2] * x[2][0]) + x[0][2] * (x[1][0] * x[2][1] - x[1][1] * x[2][0]);
  const d = det(m);
  return [0, 1, 2].map((j) => det(m.map((row, i) => row.map((v, k) => (k === j ? r[i] : v)))) / d);
}

describe("Newton's method", () => {
  it('converges in one step on a quadratic: w₁ = w₀ − H⁻¹∇E(w₀) = A⁻¹b', () => {
    const w = new Parameter(tensor([5, -3, 2], { dtype: 'float64' }));
    const opt = new Newton([w]);
    tidy(() => opt.step(() => quadratic(w)));
    const expected = solve3(A.arraySync() as number[][], [1, -2, 0.5]);
    Array.from(w.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    const s = opt.state.get(w)!;
    expect([s.lastStep, s.damping, s.nIter]).toEqual([1, 0, 1]);
  });

  it('works over several parameter tensors as one flat vector', () => {
    const u = new Parameter(tensor([5, -3], { dtype: 'float64' }));
    const v = new Parameter(tensor([2], { dtype: 'float64' }));
    const opt = new Newton([u, v]);
    tidy(() => opt.step(() => quadratic(concat([u, v]))));
    const expected = solve3(A.arraySync() as number[][], [1, -2, 0.5]);
    [...u.dataSync(), ...v.dataSync()].forEach((x, i) => expect(x).toBeCloseTo(expected[i], 12));
  });

  it('damps an indefinite Hessian until H + τI is positive definite, so the step still descends', () => {
    // E = w₁⁴ − w₁² + w₂²: at w₁ = 0.1 the curvature 12w₁² − 2 < 0
    const w = new Parameter(tensor([0.1, 1], { dtype: 'float64' }));
    const f = () => w.select(0, 0).pow(4).sub(w.select(0, 0).square()).add(w.select(0, 1).square());
    const before = tidy(() => f().item());
    const opt = new Newton([w]);
    tidy(() => opt.step(f));
    expect(tidy(() => f().item())).toBeLessThan(before);
    expect(opt.state.get(w)!.damping as number).toBeGreaterThan(1.88 - 1e-9);
  });

  it('stepAsync takes the same step', async () => {
    const w1 = new Parameter(tensor([5, -3, 2], { dtype: 'float64' }));
    const w2 = new Parameter(tensor([5, -3, 2], { dtype: 'float64' }));
    new Newton([w1], { lr: 0.5, lineSearch: null }).step(() => quadratic(w1));
    await new Newton([w2], { lr: 0.5, lineSearch: null }).stepAsync(async () => quadratic(w2));
    expect(Array.from(w2.dataSync())).toEqual(Array.from(w1.dataSync()));
  });

  it('needs a closure that returns the loss as a tensor', () => {
    const w = new Parameter(tensor([1, 2]));
    const opt = new Newton([w]);
    expect(() => opt.step()).toThrow('Newton: step needs a closure that re-evaluates the model and returns the loss');
    expect(() => opt.step(() => 3)).toThrow('Newton: the closure must return the loss as a tensor computed from the parameters');
    expect(() => new Newton([w], { shrink: 1 })).toThrow('Newton: invalid shrink (defaults): 1 (expected a number in (0, 1))');
  });
});
