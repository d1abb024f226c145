import { describe, expect, it } from 'vitest';
import { tensor, cos, sin, manualSeed, randn, relu, matmul, mean, square, sub, tidy, zeros, memory, type Tensor } from '@webgrad/core-tensor';
import { backward, grad, gradcheck, noGrad } from '@webgrad/autograd';

describe('the course worked example f(x, y) = cos(x)·sin(y) + x/y', () => {
  const f = (x: Tensor, y: Tensor): Tensor => cos(x).mul(sin(y)).add(x.div(y));
  const dfdx = (x: number, y: number): number => -Math.sin(x) * Math.sin(y) + 1 / y;
  const dfdy = (x: number, y: number): number => Math.cos(x) * Math.cos(y) - x / (y * y);

  it('backward gives ∂f/∂x = −sin x sin y + 1/y and ∂f/∂y = cos x cos y − x/y²', () => {
    const x = tensor(0.7, { requiresGrad: true });
    const y = tensor(1.3, { requiresGrad: true });
    backward(f(x, y));
    expect(x.grad!.item()).toBeCloseTo(dfdx(0.7, 1.3), 6);
    expect(y.grad!.item()).toBeCloseTo(dfdy(0.7, 1.3), 6);
  });

  it('grad(f) gives the same at several points at once', () => {
    const xs = [0.3, -1.2, 2.5];
    const ys = [1.5, 0.8, -0.6];
    const [gx, gy] = grad((x: Tensor, y: Tensor) => f(x, y).sum())(tensor(xs), tensor(ys));
    xs.forEach((x, i) => {
      expect(gx!.dataSync()[i]).toBeCloseTo(dfdx(x, ys[i]!), 5);
      expect(gy!.dataSync()[i]).toBeCloseTo(dfdy(x, ys[i]!), 5);
    });
  });

  it('passes gradcheck', () => {
    expect(gradcheck(f, [tensor([0.3, -1.2]), tensor([1.5, 0.8])]).ok).toBe(true);
  });
});

describe('XOR with a 2-2-1 ReLU network and plain gradient descent, from autograd alone', () => {
  const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const Y = tensor([[0], [1], [1], [0]]);
  const forward = (p: Tensor[]): Tensor => matmul(relu(matmul(X, p[0]!).add(p[1]!)), p[2]!).add(p[3]!);
  const step = (params: Tensor[], lr: number): number =>
    tidy(() => {
      const loss = mean(square(sub(forward(params), Y)));
      backward(loss);
      noGrad(() => {
        for (const p of params) {
          p.assign_(p.sub(p.grad!.mul(lr)));
          p.grad!.dispose();
          p.grad = null;
        }
      });
      return loss.item();
    });

  it('learns the truth table from a random start (seed 5: a 2-2-1 ReLU net can also stall with a dead unit)', () => {
    manualSeed(5);
    const params = [randn([2, 2]).requiresGrad_(), zeros([2]).requiresGrad_(), randn([2, 1]).requiresGrad_(), zeros([1]).requiresGrad_()];
    const first = step(params, 0.1);
    let last = first;
    for (let i = 0; i < 1500; i++) last = step(params, 0.1);
    expect(first).toBeGreaterThan(0.2);
    expect(last).toBeLessThan(1e-3);
    const pred = noGrad(() => forward(params)).dataSync();
    expect(Array.from(pred, (v) => Math.round(v))).toEqual([0, 1, 1, 0]);
  });

  it('10 000 training steps hold numTensors and numBytes flat', () => {
    manualSeed(7);
    const params = [randn([2, 2]).requiresGrad_(), zeros([2]).requiresGrad_(), randn([2, 1]).requiresGrad_(), zeros([1]).requiresGrad_()];
    for (let i = 0; i < 10; i++) step(params, 0.05);
    const before = memory();
    for (let i = 0; i < 10_000; i++) step(params, 0.05);
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });
});
