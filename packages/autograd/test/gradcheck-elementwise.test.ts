import { describe, expect, it } from 'vitest';
import {
  tensor, randn, rand, manualSeed, neg, abs, sign, square, exp, log, log1p, expm1, sqrt, rsqrt, reciprocal, sin, cos, tanh, sigmoid,
  relu, leakyRelu, elu, gelu, softplus, silu, erf, clamp, floor, ceil, round, add, sub, mul, div, pow, minimum, maximum, where, cast,
  gt, type Tensor,
} from '@webgrad/core-tensor';
import { backward, gradcheck, grad, enableGrad } from '@webgrad/autograd';

/** Asserts f's analytic gradient agrees with central differences in float64 (gradcheck throws the worst element otherwise). */
function check(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], options = {}): void {
  expect(gradcheck(f, inputs, options).ok).toBe(true);
}

/** The same for the gradient of Σf: second derivatives through the recorded backward pass. */
function checkSecondOrder(f: (x: Tensor) => Tensor, x: Tensor): void {
  check((v) => enableGrad(() => grad((u: Tensor) => f(u).sum())(v)[0]!), [x]);
}

manualSeed(0);
const x = randn([3, 4]);
// away from 0 so log, sqrt, reciprocal stay smooth
const positive = rand([3, 4]).add(0.5);

describe('gradcheck on every unary elementwise op (float64 central differences)', () => {
  const ops: [string, (t: Tensor) => Tensor, Tensor][] = [
    ['neg', neg, x], ['abs', abs, x], ['square', square, x], ['exp', exp, x], ['log', log, positive], ['log1p', log1p, positive],
    ['expm1', expm1, x], ['sqrt', sqrt, positive], ['rsqrt', rsqrt, positive], ['reciprocal', reciprocal, positive],
    ['sin', sin, x], ['cos', cos, x], ['tanh', tanh, x], ['sigmoid', sigmoid, x], ['relu', relu, x],
    ['leakyRelu', (t) => leakyRelu(t, 0.2), x], ['elu', (t) => elu(t, 0.7), x], ['gelu', (t) => gelu(t), x],
    ['gelu tanh', (t) => gelu(t, 'tanh'), x], ['softplus', (t) => softplus(t), x], ['softplus β=2 threshold=1', (t) => softplus(t, 2, 1), x.mul(2)],
    ['silu', silu, x], ['erf', erf, x], ['clamp', (t) => clamp(t, -0.5, 0.7), x],
  ];
  it.each(ops)('%s', (_name, op, input) => check(op, [input]));
  it.each(ops)('%s, second order', (_name, op, input) => checkSecondOrder(op, input));

  it('sign, floor, ceil and round have zero gradient (as in PyTorch)', () => {
    for (const op of [sign, floor, ceil, round]) {
      const v = tensor([0.3, -1.7, 2.2], { requiresGrad: true });
      backward(op(v).sum());
      expect(Array.from(v.grad!.dataSync())).toEqual([0, 0, 0]);
    }
  });
});

describe('gradcheck on binary ops, with broadcasting undone by summing', () => {
  manualSeed(1);
  const a = randn([2, 3, 4]);
  const row = randn([4]);
  const col = randn([3, 1]);
  const pos = rand([3, 1]).add(0.5);
  const ops: [string, (p: Tensor, q: Tensor) => Tensor, Tensor, Tensor][] = [
    ['add [2,3,4]+[4]', add, a, row], ['sub [3,1]−[2,3,4]', sub, col, a], ['mul [2,3,4]·[3,1]', mul, a, col],
    ['div [2,3,4]/[3,1]', div, a, pos], ['div [4]/[2,3,4]', div, row, a.abs().add(0.5)],
    ['pow [2,3,4]^[3,1] (positive base)', pow, a.abs().add(0.5), col], ['pow [3,1]^[4]', pow, pos, row],
    ['minimum', minimum, a, row], ['maximum', maximum, col, a],
  ];
  it.each(ops)('%s', (_name, op, p, q) => check(op, [p, q]));
  it.each(ops)('%s, second order in the first operand', (_name, op, p, q) => checkSecondOrder((u) => op(u, q), p));

  it('a number operand: x·2, 3 − x, x / 4, x^3, 2^x', () => {
    check((t) => mul(t, 2).add(sub(3, t)).add(div(t, 4)).add(pow(t, 3)).add(pow(2, t)), [a]);
  });
});

describe('where, cast and the weak spots PyTorch pins down', () => {
  it('where broadcasts condition [3,1], x [4] and y [2,3,4]; gradients reach x and y only where picked', () => {
    manualSeed(2);
    const c = gt(randn([3, 1]), 0);
    check((p, q) => where(c, p, q), [randn([4]), randn([2, 3, 4])]);
    const p = tensor([1, 2], { requiresGrad: true });
    const q = tensor([[3, 4], [5, 6]], { requiresGrad: true });
    backward(where(tensor([true, false]), p, q).sum());
    expect(p.grad!.arraySync()).toEqual([2, 0]);
    expect(q.grad!.arraySync()).toEqual([[0, 1], [0, 1]]);
  });

  it('cast between float dtypes passes the gradient back in the input dtype', () => {
    const v = tensor([1, 2], { requiresGrad: true });
    const y = cast(v, 'float64').mul(3).sum();
    backward(y);
    expect(v.grad!.dtype).toBe('float32');
    expect(Array.from(v.grad!.dataSync())).toEqual([3, 3]);
  });

  it('pow at 0: d(x⁰)/dx = 0, d(x²)/dx = 0, d(xʸ)/dy = 0 for y ≥ 0 (no 0·∞ NaN)', () => {
    const v = tensor([0, 2], { requiresGrad: true });
    backward(pow(v, 0).sum());
    expect(Array.from(v.grad!.dataSync())).toEqual([0, 0]);
    v.grad = null;
    backward(pow(v, 2).sum());
    expect(Array.from(v.grad!.dataSync())).toEqual([0, 4]);
    const base = tensor([0, 2], { requiresGrad: true });
    const e = tensor([2, 3], { requiresGrad: true });
    backward(pow(base, e).sum());
    expect(Array.from(base.grad!.dataSync())).toEqual([0, 12]);
    // torch: [0, 8·ln 2]
    expect(e.grad!.dataSync()[0]).toBe(0);
    expect(e.grad!.dataSync()[1]).toBeCloseTo(8 * Math.log(2), 5);
    const half = tensor([0], { requiresGrad: true });
    backward(pow(half, 0.5).sum());
    expect(half.grad!.item()).toBe(Infinity); // as torch: the slope of √x at 0
  });

  it('minimum/maximum split the gradient evenly on ties (torch 1.13)', () => {
    const p = tensor([1, 2, 3], { requiresGrad: true });
    const q = tensor([1, 5, 0], { requiresGrad: true });
    backward(maximum(p, q).sum());
    expect(Array.from(p.grad!.dataSync())).toEqual([0.5, 0, 1]);
    expect(Array.from(q.grad!.dataSync())).toEqual([0.5, 1, 0]);
  });

  it('clamp passes the gradient inside [min, max] (bounds included) and blocks it outside', () => {
    const v = tensor([-2, -1, 0, 1, 2], { requiresGrad: true });
    backward(clamp(v, -1, 1).sum());
    expect(Array.from(v.grad!.dataSync())).toEqual([0, 1, 1, 1, 0]);
  });

  it('clamp of an int tensor is not differentiable: it cannot require grad', () => {
    const i = tensor([1, 5], { dtype: 'int32' });
    expect(() => i.requiresGrad_()).toThrow('requiresGrad_: only floating-point tensors can require gradients, got int32');
    expect(clamp(i, 0, 2).requiresGrad).toBe(false);
  });
});
