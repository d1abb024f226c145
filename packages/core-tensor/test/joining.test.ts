import { describe, expect, it } from 'vitest';
import { tensor, concat, cat, stack, split, chunk, arange, reshape, ShapeError, ArgumentError } from '@webgrad/core-tensor';

const a = tensor([[1, 2], [3, 4]]);
const b = tensor([[5, 6]]);

describe('concat / cat', () => {
  it('joins along an existing axis', () => {
    expect(concat([a, b]).arraySync()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(cat([a, a], 1).arraySync()).toEqual([[1, 2, 1, 2], [3, 4, 3, 4]]);
    expect(concat([a, a], -1).shape).toEqual([2, 4]);
    expect(concat([a])).toBe(a);
  });

  it('refuses mismatched shapes naming them all', () => {
    expect(() => concat([a, b], 1)).toThrow(ShapeError);
    expect(() => concat([a, b], 1)).toThrow('concat: shapes [2,2], [1,2] differ outside axis 1');
    expect(() => concat([])).toThrow('concat: needs at least one tensor');
  });
});

describe('stack', () => {
  it('joins along a new axis', () => {
    expect(stack([a, a]).shape).toEqual([2, 2, 2]);
    expect(stack([tensor([1, 2]), tensor([3, 4])], 1).arraySync()).toEqual([[1, 3], [2, 4]]);
    expect(stack([tensor([1, 2]), tensor([3, 4])], -1).arraySync()).toEqual([[1, 3], [2, 4]]);
  });

  it('needs equal shapes', () => {
    expect(() => stack([a, b])).toThrow('stack: all tensors must have the same shape, got [2,2], [1,2]');
    expect(() => stack([])).toThrow(ArgumentError);
  });
});

describe('split / chunk (torch semantics)', () => {
  const x = reshape(arange(10, undefined, 1, { dtype: 'float32' }), [5, 2]);

  it('split by size: equal pieces, the last smaller', () => {
    const parts = split(x, 2);
    expect(parts.map((p) => p.shape)).toEqual([[2, 2], [2, 2], [1, 2]]);
    expect(parts[2]!.arraySync()).toEqual([[8, 9]]);
  });

  it('split by sections', () => {
    const parts = split(x, [1, 4]);
    expect(parts.map((p) => p.shape[0])).toEqual([1, 4]);
    expect(split(x, [1, 1], 1).map((p) => p.arraySync())).toEqual([[[0], [2], [4], [6], [8]], [[1], [3], [5], [7], [9]]]);
    expect(() => split(x, [2, 2])).toThrow('split: sections [2,2] do not add up to axis 0 of length 5');
    expect(() => split(x, 0)).toThrow('split: split size must be a positive integer, got 0');
  });

  it('chunk gives ⌈n/chunks⌉-sized pieces, possibly fewer than asked', () => {
    expect(chunk(x, 2).map((p) => p.shape[0])).toEqual([3, 2]);
    expect(chunk(x, 3).map((p) => p.shape[0])).toEqual([2, 2, 1]);
    expect(chunk(reshape(arange(6), [6]), 4).map((p) => p.shape[0])).toEqual([2, 2, 2]);
    expect(() => chunk(x, 0)).toThrow('chunk: chunks must be a positive integer, got 0');
  });

  it('split then concat is the identity', () => {
    expect(concat(split(x, 2)).arraySync()).toEqual(x.arraySync());
  });
});
