import { describe, expect, it } from 'vitest';
import {
  tensor, randn, manualSeed, sum, mean, max, min, prod, variance, std, logsumexp, norm, softmax, logSoftmax, cumsum, zeros, type Tensor,
} from '@webgrad/core-tensor';
import { backward, gradcheck, grad, enableGrad } from '@webgrad/autograd';

function check(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  expect(gradcheck(f, inputs).ok).toBe(true);
}

function checkSecondOrder(f: (x: Tensor) => Tensor, x: Tensor): void {
  check((v) => enableGrad(() => grad((u: Tensor) => f(u).sum())(v)[0]!), [x]);
}

manualSeed(3);
const x = randn([2, 3, 4]);
const axesCases: [string, number[] | undefined, boolean][] = [
  ['axis 0', [0], false], ['axis −1 keepdims', [-1], true], ['axes [0,2]', [0, 2], false], ['axes [1,2] keepdims', [1, 2], true], ['all axes', undefined, false],
];

describe('gradcheck on reductions over one, several and all axes, with and without keepdims', () => {
  const families: [string, (t: Tensor, axes: number[] | undefined, keep: boolean) => Tensor][] = [
    ['sum', (t, a, k) => sum(t, a, k)],
    ['mean', (t, a, k) => mean(t, a, k)],
    ['prod', (t, a, k) => prod(t, a, k)],
    ['max (amax)', (t, a, k) => max(t, a, k)],
    ['min (amin)', (t, a, k) => min(t, a, k)],
    ['var', (t, a, k) => variance(t, a, { keepdims: k })],
    ['std correction 0', (t, a, k) => std(t, a, { keepdims: k, correction: 0 })],
    ['logsumexp', (t, a, k) => logsumexp(t, a, k)],
    ['norm p=2', (t, a, k) => norm(t, 2, a, k)],
    ['norm p=3', (t, a, k) => norm(t, 3, a, k)],
    ['norm p=1', (t, a, k) => norm(t, 1, a, k)],
    ['norm p=∞', (t, a, k) => norm(t, Infinity, a, k)],
    ['norm p=−∞', (t, a, k) => norm(t, -Infinity, a, k)],
    ['norm p=−2', (t, a, k) => norm(t, -2, a, k)],
  ];
  for (const [name, op] of families) {
    it.each(axesCases)(`${name}, %s`, (_label, axes, keep) => check((t) => op(t, axes, keep), [x]));
  }

  it.each(['sum', 'mean', 'prod', 'var', 'logsumexp', 'norm'])('%s, second order', (name) => {
    const op: Record<string, (t: Tensor) => Tensor> = {
      sum: (t) => sum(t, 1).square(), mean: (t) => mean(t, [0, 2]).square(), prod: (t) => prod(t, 2), var: (t) => variance(t, [1, 2]),
      logsumexp: (t) => logsumexp(t, 0), norm: (t) => norm(t, 2, 1),
    };
    checkSecondOrder(op[name]!, x);
  });

  it('max over one numbered axis (torch.max(x, dim))', () => check((t) => max(t, 1), [x]));
});

describe('max/min gradient semantics follow PyTorch', () => {
  it('one axis: all of the gradient to the first maximum, like torch.max(x, dim)', () => {
    const v = tensor([[1, 3, 3], [2, 2, 0]], { requiresGrad: true });
    backward(max(v, 1).sum());
    expect(v.grad!.arraySync()).toEqual([[0, 1, 0], [1, 0, 0]]);
    const w = tensor([[1, 3, 3], [0, 0, 5]], { requiresGrad: true });
    backward(min(w, 1).sum());
    expect(w.grad!.arraySync()).toEqual([[1, 0, 0], [1, 0, 0]]);
  });

  it('all axes, or a list of axes: shared evenly among ties, like torch.max(x) / amax', () => {
    const v = tensor([[1, 3, 3], [2, 3, 0]], { requiresGrad: true });
    backward(max(v));
    const third = Math.fround(1 / 3);
    expect(v.grad!.arraySync()).toEqual([[0, third, third], [0, third, 0]]);
    const w = tensor([[1, 3, 3], [2, 2, 0]], { requiresGrad: true });
    backward(max(w, [1]).sum());
    expect(w.grad!.arraySync()).toEqual([[0, 0.5, 0.5], [0.5, 0.5, 0]]);
  });
});

describe('prod gradient with zeros (no division by zero)', () => {
  it('one zero: only the zero gets the product of the others', () => {
    const v = tensor([0, 2, 3], { requiresGrad: true });
    backward(prod(v));
    expect(Array.from(v.grad!.dataSync())).toEqual([6, 0, 0]);
  });
  it('two zeros: every gradient is zero', () => {
    const v = tensor([0, 0, 3], { requiresGrad: true });
    backward(prod(v));
    expect(Array.from(v.grad!.dataSync())).toEqual([0, 0, 0]);
  });
  it('gradcheck with a zero in some rows', () => {
    check((t) => prod(t, 1), [tensor([[0, 2, 3], [1.5, -2, 0.5], [0, 0, 1]])]);
  });
});

describe('norm gradient at zero is 0, as in PyTorch', () => {
  it.each([2, 3, 0.5, 1, Infinity])('p = %s at the zero vector', (p) => {
    const v = zeros([3]).requiresGrad_();
    backward(norm(v, p));
    expect(Array.from(v.grad!.dataSync())).toEqual([0, 0, 0]);
  });
  it('a zero row among non-zero rows: [[0,0],[3,4]] → [[0,0],[0.6,0.8]]', () => {
    const v = tensor([[0, 0], [3, 4]], { requiresGrad: true });
    backward(norm(v, 2, 1).sum());
    const g = v.grad!.dataSync();
    [0, 0, 0.6, 0.8].forEach((e, i) => expect(g[i]).toBeCloseTo(e, 6));
  });
  it('p = ∞ shares the gradient among tied maxima with their signs', () => {
    const v = tensor([[1, -3, 3]], { requiresGrad: true });
    backward(norm(v, Infinity, 1).sum());
    expect(v.grad!.arraySync()).toEqual([[0, -0.5, 0.5]]);
  });
});

describe('softmax, logSoftmax and cumsum', () => {
  manualSeed(4);
  const s = randn([3, 5]);
  it.each([0, 1, -1])('softmax along axis %s', (axis) => check((t) => softmax(t, axis), [s]));
  it.each([0, -1])('logSoftmax along axis %s', (axis) => check((t) => logSoftmax(t, axis), [s]));
  it('softmax and logSoftmax, second order', () => {
    checkSecondOrder((t) => softmax(t, 1).square(), s);
    checkSecondOrder((t) => logSoftmax(t, 0).square(), s);
  });
  it('softmax of large inputs has finite gradients', () => {
    const v = tensor([[1000, 1001, 1002]], { requiresGrad: true });
    backward(logSoftmax(v, 1).select(1, 0).sum());
    expect(Array.from(v.grad!.dataSync()).every(Number.isFinite)).toBe(true);
  });
  it.each([0, 1, 2])('cumsum along axis %s', (axis) => check((t) => cumsum(t, axis), [x]));
});
