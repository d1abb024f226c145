import { describe, expect, it } from 'vitest';
import { tensor, add, mul, sub, expand, broadcastTo, broadcastShapes, sumTo, arange, ShapeError, reshape } from '@webgrad/core-tensor';

describe('NumPy broadcasting', () => {
  it('aligns trailing axes; length-1 axes stretch', () => {
    expect(broadcastShapes('op', [3, 1], [4])).toEqual([3, 4]);
    expect(broadcastShapes('op', [2, 1, 5], [4, 1])).toEqual([2, 4, 5]);
    expect(broadcastShapes('op', [], [2, 3])).toEqual([2, 3]);
    expect(broadcastShapes('op', [0], [1])).toEqual([0]);
  });

  it('[3,1] + [4] gives the outer sum', () => {
    const r = add(tensor([[0], [10], [20]]), tensor([1, 2, 3, 4]));
    expect(r.shape).toEqual([3, 4]);
    expect(r.arraySync()).toEqual([[1, 2, 3, 4], [11, 12, 13, 14], [21, 22, 23, 24]]);
  });

  it('[2,1,3] · [4,1] broadcasts in the middle', () => {
    const a = reshape(arange(6, undefined, 1, { dtype: 'float32' }), [2, 1, 3]);
    const b = reshape(arange(4, undefined, 1, { dtype: 'float32' }), [4, 1]);
    const r = mul(a, b);
    expect(r.shape).toEqual([2, 4, 3]);
    const v = r.arraySync() as number[][][];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 3; k++) expect(v[i]![j]![k]).toBe((i * 3 + k) * j);
  });

  it('both operands broadcast: [1,3] − [2,1]', () => {
    expect(sub(tensor([[1, 2, 3]]), tensor([[1], [2]])).arraySync()).toEqual([[0, 1, 2], [-1, 0, 1]]);
  });

  it('scalars broadcast to anything', () => {
    expect(add(tensor(1), tensor([[1, 2]])).arraySync()).toEqual([[2, 3]]);
  });

  it('incompatible shapes throw a ShapeError naming the op and both shapes', () => {
    expect(() => add(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(ShapeError);
    expect(() => add(tensor([1, 2, 3]), tensor([1, 2]))).toThrow('add: shapes [3] and [2] cannot be broadcast together');
    expect(() => mul(tensor([[1, 2]]), tensor([[1], [2], [3]]).expand([3, 3]))).toThrow('mul: shapes [1,2] and [3,3] cannot be broadcast together');
  });
});

describe('expand / broadcastTo / sumTo', () => {
  it('expand copies along new and length-1 axes; −1 keeps a length', () => {
    const x = tensor([[1], [2]]);
    expect(expand(x, [2, 3]).arraySync()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(expand(x, [2, -1, 2]).shape).toEqual([2, 2, 2]);
    expect(broadcastTo(tensor([1, 2]), [2, 2]).arraySync()).toEqual([[1, 2], [1, 2]]);
    expect(expand(x, [2, 1])).toBe(x);
  });

  it('expand refuses shapes that are not broadcasts', () => {
    expect(() => expand(tensor([1, 2]), [3])).toThrow('expand: shapes [2] and [3] cannot be broadcast together');
    expect(() => expand(tensor([[1, 2]]), [2])).toThrow('expand: cannot expand shape [1,2] to fewer axes [2]');
    expect(() => expand(tensor([1]), [-1, 1])).toThrow('expand: -1 is not allowed for a new leading axis in [-1,1]');
    expect(() => expand(tensor([[1, 2]]), [1, 1])).toThrow('expand: shape [1,2] cannot be expanded to [1,1]');
  });

  it('sumTo undoes a broadcast by summing (the adjoint of expand)', () => {
    const g = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(sumTo(g, [3]).arraySync()).toEqual([5, 7, 9]);
    expect(sumTo(g, [2, 1]).arraySync()).toEqual([[6], [15]]);
    expect(sumTo(g, [1, 1]).arraySync()).toEqual([[21]]);
    expect(sumTo(g, []).item()).toBe(21);
    expect(() => sumTo(g, [2])).toThrow('sumTo: shape [2,3] is not a broadcast of [2]');
  });
});
