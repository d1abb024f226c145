import { describe, expect, it } from 'vitest';
import {
  tensor, sum, mean, max, min, prod, argmax, argmin, variance, std, logsumexp, norm, zeros, arange, ShapeError,
  type Tensor,
} from '@webgrad/core-tensor';
import { expectMatches, fromFixture, opCase, opCaseNames } from './torch-fixtures';

type Reduce = (x: Tensor, axes: number[], keepdims: boolean, attrs: Record<string, any>) => Tensor;

// torch name in the fixture → the webgrad call
const families: Record<string, Reduce> = {
  sum: (x, a, k) => sum(x, a, k),
  mean: (x, a, k) => mean(x, a, k),
  amax: (x, a, k) => max(x, a, k),
  amin: (x, a, k) => min(x, a, k),
  prod: (x, a, k) => prod(x, a, k),
  logsumexp: (x, a, k) => logsumexp(x, a, k),
  var: (x, a, k, at) => variance(x, a, { keepdims: k, correction: at.correction }),
  std: (x, a, k, at) => std(x, a, { keepdims: k, correction: at.correction }),
  norm: (x, a, k, at) => norm(x, at.p === 'inf' ? Infinity : at.p, a, k),
};

describe('reductions over one, several and all axes, with and without keepdims, match torch', () => {
  for (const [family, run] of Object.entries(families)) {
    const names = opCaseNames(`${family}_`).filter((n) => n !== 'logsumexp_large');
    it(`${family}: ${names.length} cases`, () => {
      expect(names.length).toBeGreaterThanOrEqual(12);
      for (const name of names) {
        const c = opCase(name);
        const y = run(fromFixture(c.inputs.x!), c.attrs.axes, c.attrs.keepdims, c.attrs);
        expectMatches(y, c.out);
      }
    });
  }

  it('logsumexp is stable for inputs whose exp overflows float32', () => {
    const c = opCase('logsumexp_large');
    expectMatches(logsumexp(fromFixture(c.inputs.x!), 1), c.out);
  });

  it('torch.max(x, dim) values and first-index argmax', () => {
    const c = opCase('max_dim1');
    const x = fromFixture(c.inputs.x!);
    expectMatches(max(x, 1), c.outputs.values!);
    expectMatches(argmax(x, 1), c.outputs.indices!);
    expectMatches(argmin(x, 2), opCase('argmin_dim2').out);
    expectMatches(argmax(x), opCase('argmax_flat').out);
  });
});

describe('reduction semantics', () => {
  const x = tensor([[1, 5, 2], [7, 0, 3]]);

  it('negative axes count from the end and an omitted axis reduces everything', () => {
    expect(sum(x, -1).arraySync()).toEqual([8, 10]);
    expect(sum(x).item()).toBe(18);
    expect(sum(x).shape).toEqual([]);
    expect(sum(x, undefined, true).shape).toEqual([1, 1]);
    expect(mean(x, [0, 1]).item()).toBe(3);
  });

  it('argmax/argmin return int32 indices, the first on ties, keepdims keeps the axis', () => {
    const t = tensor([[3, 9, 9], [4, 4, 1]]);
    expect(argmax(t, 1).dtype).toBe('int32');
    expect(argmax(t, 1).arraySync()).toEqual([1, 0]);
    expect(argmin(t, 0).arraySync()).toEqual([0, 1, 1]);
    expect(argmax(t, 1, true).shape).toEqual([2, 1]);
    expect(argmax(t).item()).toBe(1);
    expect(argmax(t, undefined, true).shape).toEqual([1, 1]);
  });

  it('NaN propagates through max/min and wins argmax, as in PyTorch', () => {
    const t = tensor([1, NaN, 3]);
    expect(max(t).item()).toBeNaN();
    expect(min(t).item()).toBeNaN();
    expect(argmax(t).item()).toBe(1);
  });

  it('bool and int32 sum to int32; mean of int32 is float32', () => {
    const b = tensor([true, false, true, true]);
    expect(sum(b).dtype).toBe('int32');
    expect(sum(b).item()).toBe(3);
    const i = tensor([1, 2, 4], { dtype: 'int32' });
    expect(sum(i).dtype).toBe('int32');
    expect(prod(i).item()).toBe(8);
    expect(mean(i).dtype).toBe('float32');
    expect(mean(i).item()).toBeCloseTo(7 / 3, 6);
    expect(max(i).dtype).toBe('int32');
  });

  it('reducing an empty axis: sum is 0 and prod is 1, max/argmax throw naming the shape', () => {
    const e = zeros([2, 0]);
    expect(sum(e, 1).arraySync()).toEqual([0, 0]);
    expect(prod(e, 1).arraySync()).toEqual([1, 1]);
    expect(() => max(e, 1)).toThrow(ShapeError);
    expect(() => max(e, 1)).toThrow('max: cannot reduce an empty axis of a tensor of shape [2,0]');
    expect(() => argmax(e)).toThrow('argmax: cannot take the index of an extreme of an empty tensor');
  });

  it('var with correction N−1 by default, 0 on request; std = √var', () => {
    const v = tensor([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(variance(v).item()).toBeCloseTo(32 / 7, 5);
    expect(variance(v, 0, { correction: 0 }).item()).toBeCloseTo(4, 6);
    expect(std(v, 0, { correction: 0 }).item()).toBeCloseTo(2, 6);
    expect(v.var().item()).toBeCloseTo(32 / 7, 5);
  });

  it('norm: p = 2 by default, p = ∞ is max |x|, −∞ min |x|, 0 counts non-zeros', () => {
    const v = tensor([3, -4]);
    expect(norm(v).item()).toBeCloseTo(5, 6);
    expect(norm(v, 1).item()).toBe(7);
    expect(norm(v, Infinity).item()).toBe(4);
    expect(norm(zeros([3])).item()).toBe(0);
    // torch.linalg.vector_norm with p = 0 and −∞, and a negative p
    expect(norm(tensor([0, 2, -3]), 0).item()).toBe(2);
    expect(norm(tensor([1, 2, -3]), -Infinity).item()).toBe(1);
    expect(norm(tensor([1, 2, -3]), -2).item()).toBeCloseTo(0.857142857, 6);
    expect(() => norm(v, NaN)).toThrow('norm: p must be a number, got NaN');
  });

  it('repeated or out-of-range axes are refused', () => {
    expect(() => sum(x, [0, 0])).toThrow('sum: repeated axis in [0,0]');
    expect(() => sum(x, 2)).toThrow('sum: axis 2 is out of range for a tensor of rank 2');
    expect(() => mean(x, [-3])).toThrow('mean: axis -3 is out of range for a tensor of rank 2');
  });

  it('large sums are accumulated without visible float32 drift', () => {
    const n = 1 << 20;
    expect(sum(arange(n, undefined, 1, { dtype: 'float32' })).item()).toBe((n * (n - 1)) / 2);
  });
});
