import { describe, expect, it } from 'vitest';
import { tensor, pad, ArgumentError } from '@webgrad/core-tensor';

describe('pad (F.pad constant mode)', () => {
  const x = tensor([[1, 2], [3, 4]]);

  it('pairs start from the last axis', () => {
    expect(pad(x, [1, 0]).arraySync()).toEqual([[0, 1, 2], [0, 3, 4]]);
    expect(pad(x, [0, 1, 2, 0]).arraySync()).toEqual([[0, 0, 0], [0, 0, 0], [1, 2, 0], [3, 4, 0]]);
  });

  it('fills with the given value and keeps the dtype', () => {
    const i = tensor([1, 2], { dtype: 'int32' });
    const p = pad(i, [1, 1], 7);
    expect(p.dtype).toBe('int32');
    expect(p.arraySync()).toEqual([7, 1, 2, 7]);
    expect(pad(tensor([1]), [1, 0], -Infinity).arraySync()).toEqual([-Infinity, 1]);
  });

  it('negative amounts crop, as in PyTorch', () => {
    expect(pad(x, [-1, 1]).arraySync()).toEqual([[2, 0], [4, 0]]);
    expect(pad(x, [0, 0, -1, 0]).arraySync()).toEqual([[3, 4]]);
    expect(() => pad(x, [-2, -1])).toThrow('pad: padding [-2,-1] crops input [2,2] below length 0');
  });

  it('validates the padding list', () => {
    expect(() => pad(x, [1])).toThrow(ArgumentError);
    expect(() => pad(x, [1])).toThrow('pad: padding must hold (before, after) pairs for at most 2 axes, got [1]');
    expect(() => pad(x, [1, 1, 1, 1, 1, 1])).toThrow('pad: padding must hold (before, after) pairs for at most 2 axes, got [1,1,1,1,1,1]');
    expect(() => pad(x, [0.5, 1])).toThrow('pad: padding must be integers, got [0.5,1]');
  });
});
