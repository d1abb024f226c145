import { describe, expect, it } from 'vitest';
import { tensor, mul, sum, sin, cos, exp, detach, tidy, memory, type Tensor } from '@webgrad/core-tensor';
import { grad, valueAndGrad, gradients, noGrad, enableGrad, backward } from '@webgrad/autograd';

describe('grad / valueAndGrad over several arguments', () => {
  // f(x, y, z) = Σ x·y² + sin z
  const f = (x: Tensor, y: Tensor, z: Tensor): Tensor => sum(mul(x, y.square())).add(sin(z).sum());
  const x = tensor([1, 2]);
  const y = tensor([3, -1]);
  const z = tensor([0.5]);

  it('differentiates with respect to every argument by default', () => {
    const [gx, gy, gz] = grad(f)(x, y, z);
    expect(Array.from(gx!.dataSync())).toEqual([9, 1]); // y²
    expect(Array.from(gy!.dataSync())).toEqual([6, -4]); // 2xy
    expect(gz!.item()).toBeCloseTo(Math.cos(0.5), 6);
  });

  it('argnums picks the arguments, in the order given', () => {
    const [gz, gx] = grad(f, { argnums: [2, 0] })(x, y, z);
    expect(gz!.item()).toBeCloseTo(Math.cos(0.5), 6);
    expect(Array.from(gx!.dataSync())).toEqual([9, 1]);
    expect(grad(f, { argnums: 1 })(x, y, z).length).toBe(1);
  });

  it('valueAndGrad returns f(args) too', () => {
    const [value, [gy]] = valueAndGrad(f, { argnums: 1 })(x, y, z);
    expect(value.item()).toBeCloseTo(9 + 2 + Math.sin(0.5), 5);
    expect(Array.from(gy!.dataSync())).toEqual([6, -4]);
  });

  it('does not touch .grad of the arguments or require them to require grad', () => {
    const w = tensor([2], { requiresGrad: true });
    grad((v: Tensor) => v.square().sum())(w);
    expect(w.grad).toBeNull();
  });

  it('an argument the function ignores gets a zero gradient', () => {
    const [, gb] = grad((a: Tensor, _b: Tensor) => a.sum())(x, y);
    expect(Array.from(gb!.dataSync())).toEqual([0, 0]);
  });

  it('the function must return one element', () => {
    expect(() => grad((a: Tensor) => a.mul(2))(x)).toThrow('grad: the function must return a one-element tensor, got shape [2]');
  });
});

describe('gradients (torch.autograd.grad)', () => {
  it('returns the gradients without accumulating into .grad', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3], { requiresGrad: true });
    const y = sum(mul(a, b));
    const [ga, gb] = gradients(y, [a, b]);
    expect(Array.from(ga!.dataSync())).toEqual([3, 3]);
    expect(gb!.item()).toBe(3);
    expect(a.grad).toBeNull();
  });

  it('an unused input is an error unless allowUnused', () => {
    const a = tensor([1], { requiresGrad: true });
    const b = tensor([1], { requiresGrad: true });
    expect(() => gradients(a.mul(2).sum(), [a, b])).toThrow('gradients: input 1 was not used to compute the outputs (pass allowUnused: true to get zeros)');
    expect(gradients(a.mul(2).sum(), [a, b], { allowUnused: true })[1]!.item()).toBe(0);
  });

  it('several outputs with their gradOutputs; an intermediate as input', () => {
    const a = tensor([2], { requiresGrad: true });
    const h = a.square();
    const [gh] = gradients([h.mul(3).sum(), h.sum()], [h]);
    expect(gh!.item()).toBe(4);
    const [gw] = gradients(h, [a], { gradOutputs: [tensor([0.5])] });
    expect(gw!.item()).toBe(2);
  });
});

describe('noGrad / enableGrad / detach', () => {
  it('nothing is recorded under noGrad', () => {
    const w = tensor([1], { requiresGrad: true });
    const y = noGrad(() => w.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.isLeaf).toBe(true);
    expect(enableGrad(() => noGrad(() => enableGrad(() => w.mul(2)))).requiresGrad).toBe(true);
  });

  it('noGrad restores the mode even when the function throws', () => {
    const w = tensor([1], { requiresGrad: true });
    expect(() => noGrad(() => { throw new Error('x'); })).toThrow('x');
    expect(w.mul(2).requiresGrad).toBe(true);
  });

  it('detach cuts the graph: the detached branch is a constant', () => {
    const w = tensor([3], { requiresGrad: true });
    const y = w.mul(detach(w)); // d/dw (w · stop(w)) = stop(w)
    backward(y.sum());
    expect(w.grad!.item()).toBe(3);
    expect(w.detach().requiresGrad).toBe(false);
    expect(w.detach().dataRef).toBe(w.dataRef);
  });
});

describe('autograd and tidy', () => {
  it('a graph built inside tidy still backprops after tidy returns the loss', () => {
    const w = tensor([0.5, -1], { requiresGrad: true });
    const loss = tidy(() => exp(w.mul(2)).mul(cos(w)).sum());
    backward(loss);
    const g = w.grad!.dataSync();
    [0.5, -1].forEach((v, i) => expect(g[i]).toBeCloseTo(Math.exp(2 * v) * (2 * Math.cos(v) - Math.sin(v)), 5));
  });

  it('a forward pass under tidy that is never backpropagated (evaluation without noGrad) frees its saved tensors', () => {
    const w = tensor([0.5, -1], { requiresGrad: true });
    const evaluate = (): number => tidy(() => exp(w.mul(2)).mul(cos(w)).sin().sum().item());
    evaluate();
    const n0 = memory().numTensors;
    for (let i = 0; i < 100; i++) evaluate();
    expect(memory().numTensors).toBe(n0);
  });

  it('nested tidy: a loss returned through two scopes still backprops', () => {
    const w = tensor([2], { requiresGrad: true });
    const loss = tidy(() => tidy(() => exp(w).mul(w)).sum());
    backward(loss);
    expect(w.grad!.item()).toBeCloseTo(3 * Math.exp(2), 4);
  });

  it('the tensors saved for backward are freed by backward: memory returns to where it was', () => {
    const w = tensor([0.5, -1], { requiresGrad: true });
    backward(tidy(() => exp(w).sum())); // warm the scalar cache
    w.grad!.dispose();
    w.grad = null;
    const n0 = memory().numTensors;
    const loss = tidy(() => exp(w.mul(2)).mul(cos(w)).sin().sum());
    tidy(() => backward(loss));
    loss.dispose();
    expect(memory().numTensors).toBe(n0 + 1); // only w.grad
  });
});
