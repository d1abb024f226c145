import { describe, expect, it } from 'vitest';
import { tensor, mul, sum, clamp, type Tensor } from '@webgrad/core-tensor';
import { customOp, backward, gradcheck } from '@webgrad/autograd';

describe('customOp({ forward, backward })', () => {
  // x ↦ x³ with a hand-written derivative 3x²
  const cube = customOp({
    name: 'cube',
    forward: (x) => x.mul(x).mul(x),
    backward: (g, { inputs: [x] }) => [g.mul(x!.square().mul(3))],
  });

  it('uses the given backward', () => {
    const x = tensor([2, -1], { requiresGrad: true });
    backward(sum(cube(x)));
    expect(Array.from(x.grad!.dataSync())).toEqual([12, 3]);
  });

  it('passes gradcheck, composed with other ops', () => {
    expect(gradcheck((x) => cube(x.sin()).mul(2), [tensor([0.3, -0.8, 1.1])]).ok).toBe(true);
  });

  it('its backward is differentiable too when written with tensor ops (second derivative 6x)', () => {
    const x = tensor([1.5], { requiresGrad: true });
    const y = sum(cube(x));
    const g = (x.grad = null, (() => {
      backward(y, undefined, { createGraph: true });
      return x.grad!;
    })());
    const gg = g.sum();
    x.grad = null;
    backward(gg);
    expect(x.grad!.item()).toBeCloseTo(9, 5);
  });

  it('a straight-through estimator: forward clamps, backward passes the gradient unchanged', () => {
    const ste = customOp({ forward: (x) => clamp(x, 0, 1), backward: (g) => [g] });
    const x = tensor([-2, 0.5, 3], { requiresGrad: true });
    backward(sum(mul(ste(x), tensor([1, 2, 3]))));
    expect(Array.from(x.grad!.dataSync())).toEqual([1, 2, 3]);
  });

  it('a forward that returns its input unchanged leaves the input a leaf', () => {
    const double = customOp({ forward: (x) => x, backward: (g) => [g.mul(2)] });
    const x = tensor([1, 2], { requiresGrad: true });
    const y = double(x);
    expect(y).not.toBe(x);
    expect(x.isLeaf).toBe(true);
    backward(sum(y));
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 2]);
  });

  it('several inputs, with null for an input that gets no gradient', () => {
    const scale = customOp({
      forward: (x, s) => x.mul(s),
      backward: (g, { inputs: [, s] }) => [g.mul(s!), null],
    });
    const x = tensor([1, 2], { requiresGrad: true });
    const s = tensor([3], { requiresGrad: true });
    backward(sum(scale(x, s)));
    expect(Array.from(x.grad!.dataSync())).toEqual([3, 3]);
    expect(s.grad).toBeNull();
  });

  it('the forward runs unrecorded; a wrong number of gradients is an error naming the op', () => {
    const bad = customOp({ name: 'bad', forward: (x: Tensor) => x.mul(2), backward: (g) => [g, g] });
    const x = tensor([1], { requiresGrad: true });
    const y = bad(x);
    expect(y.gradNode!.op).toBe('bad');
    expect(() => backward(y.sum())).toThrow('bad: backward returned 2 gradients for 1 inputs');
    expect(() => customOp({ forward: () => 3 as unknown as Tensor, backward: () => [] })(x)).toThrow('customOp: forward must return a tensor');
  });
});
