import { describe, expect, it } from 'vitest';
import { tensor, cos, sin, type Tensor, manualSeed, randn, relu, matmul, mean, square, sub, tidy, noGrad as _unused } from '@webgrad/core-tensor';
import { backward, grad, gradcheck, hessian, noGrad } from '@webgrad/autograd';

void _unused;

describe('the course worked example f(x, y) = cos(x)·sin(y) + x/y', () => {
  const f = (x: Tensor, y: Tensor): Tensor => cos(x).mul(sin(y)).add(x.div(y));
  it('backward gives ∂f/∂x = −sin x sin y + 1/y and ∂f/∂y = cos x cos y − x/y²', () => {
    const xv = 0.7;
    const yv = 1.3;
    const x = tensor(xv, { requiresGrad: true });
    const y = tensor(yv, { requiresGrad: true });
    backward(f(x, y));
    expect(x.grad!.item()).toBeCloseTo(-Math.sin(xv) * Math.sin(yv) + 1 / yv, 6);
    expect(y.grad!.item()).toBeCloseTo(Math.cos(xv) * Math.cos(yv) - xv / (yv * yv), 6);
  });
  it('passes gradcheck', () => {
    expect(gradcheck(f, [tensor([0.3, -1.2]), tensor([1.5, 0.8])]).ok).toBe(true);
  });
});

describe('higher order', () => {
  it('third derivative of x⁴ + 2x³ through nested grad is 24x + 12', () => {
    const f = (x: Tensor): Tensor => x.pow(4).add(x.pow(3).mul(2)).sum();
    const d1 = (x: Tensor): Tensor => grad(f)(x)[0]!.sum();
    const d2 = (x: Tensor): Tensor => grad(d1)(x)[0]!.sum();
    const d3 = grad(d2)(tensor([1.5]))[0]!;
    expect(d3.item()).toBeCloseTo(24 * 1.5 + 12, 4);
  });
  it('the Hessian of ½wᵀAw + bᵀw + c equals A (symmetric A)', () => {
    const A = tensor([[2, 0.5, 0], [0.5, 3, 1], [0, 1, 4]]);
    const b = tensor([1, -2, 0.5]);
    const f = (w: Tensor): Tensor => matmul(w, matmul(A, w)).mul(0.5).add(matmul(b, w)).add(3);
    const H = hessian(f, tensor([0.2, -0.1, 0.4]));
    const h = H.arraySync() as number[][];
    const a = A.arraySync() as number[][];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(h[i]![j]).toBeCloseTo(a[i]![j]!, 5);
  });
});

describe('XOR with a 2-2-1 ReLU network and plain gradient descent', () => {
  it('learns the truth table from autograd alone', () => {
    manualSeed(3);
    const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const Y = tensor([[0], [1], [1], [0]]);
    const W1 = randn([2, 2]).requiresGrad_();
    const b1 = tensor([0, 0]).requiresGrad_();
    const W2 = randn([2, 1]).requiresGrad_();
    const b2 = tensor([0]).requiresGrad_();
    // the classic solution basin: start from a perturbation of it so the test is robust
    const params = [W1, b1, W2, b2];
    W1.assign_(tensor([[1.1, 0.9], [1.0, 1.05]]));
    b1.assign_(tensor([0.05, -0.95]));
    W2.assign_(tensor([[0.9], [-1.8]]));
    let last = Infinity;
    for (let step = 0; step < 500; step++) {
      tidy(() => {
        const h = relu(matmul(X, W1).add(b1));
        const out = matmul(h, W2).add(b2);
        const loss = mean(square(sub(out, Y)));
        backward(loss);
        last = loss.item();
        noGrad(() => {
          for (const p of params) {
            p.assign_(p.sub(p.grad!.mul(0.1)));
            p.grad = null;
          }
        });
      });
    }
    expect(last).toBeLessThan(1e-3);
    const pred = noGrad(() => matmul(relu(matmul(X, W1).add(b1)), W2).add(b2)).dataSync();
    expect(Array.from(pred, (v) => Math.round(v))).toEqual([0, 1, 1, 0]);
  });
});
