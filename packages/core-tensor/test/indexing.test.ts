import { describe, expect, it } from 'vitest';
import { tensor, gather, scatterAdd, indexSelect, indexAdd, oneHot, zeros, DTypeError, ShapeError, WebgradError } from '@webgrad/core-tensor';

const idx = (v: number[] | number[][]) => tensor(v, { dtype: 'int32' });
const x = tensor([[1, 2, 3], [4, 5, 6]]);

describe('gather: out[i][j] = x[i][index[i][j]] (axis 1)', () => {
  it('along the last axis and along the first', () => {
    expect(gather(x, 1, idx([[2, 0], [1, 1]])).arraySync()).toEqual([[3, 1], [5, 5]]);
    expect(gather(x, 0, idx([[1, 0, 1]])).arraySync()).toEqual([[4, 2, 6]]);
    expect(x.gather(-1, idx([[-1], [0]])).arraySync()).toEqual([[3], [4]]);
  });

  it('validates index dtype, rank and range', () => {
    expect(() => gather(x, 1, tensor([[0]]))).toThrow(DTypeError);
    expect(() => gather(x, 1, tensor([[0]]))).toThrow('gather: index must be int32, got float32');
    expect(() => gather(x, 1, idx([0]))).toThrow(ShapeError);
    expect(() => gather(x, 1, idx([0]))).toThrow('gather: index [1] must have the rank of x [2,3] and no larger lengths off axis 1');
    expect(() => gather(x, 1, idx([[3]]))).toThrow(WebgradError);
    expect(() => gather(x, 1, idx([[3]]))).toThrow('gather: index 3 is out of range for an axis of length 3');
  });
});

describe('scatterAdd: out[i][index[i][j]] += src[i][j] (axis 1), repeated indices accumulate', () => {
  it('adds into a copy of x', () => {
    const r = scatterAdd(zeros([2, 3]), 1, idx([[0, 0, 2], [1, 1, 1]]), tensor([[1, 2, 3], [4, 5, 6]]));
    expect(r.arraySync()).toEqual([[3, 0, 3], [0, 15, 0]]);
  });

  it('src may be larger than index (only index-shaped part is used)', () => {
    const r = scatterAdd(zeros([3]), 0, idx([2, 0]), tensor([10, 20, 30]));
    expect(r.arraySync()).toEqual([20, 0, 10]);
  });

  it('along axis 0', () => {
    expect(scatterAdd(zeros([2, 2]), 0, idx([[1, 0]]), tensor([[5, 7]])).arraySync()).toEqual([[0, 7], [5, 0]]);
  });

  it('validates shapes', () => {
    expect(() => scatterAdd(zeros([2]), 0, idx([0, 1, 0]), tensor([1, 2]))).toThrow('scatterAdd: index [3] must fit src [2] and x [2] off axis 0');
  });
});

describe('indexSelect / indexAdd', () => {
  it('indexSelect picks whole slices, repeating and negative indices allowed', () => {
    expect(indexSelect(x, 0, idx([1, 1, 0])).arraySync()).toEqual([[4, 5, 6], [4, 5, 6], [1, 2, 3]]);
    expect(indexSelect(x, 1, idx([2, -3])).arraySync()).toEqual([[3, 1], [6, 4]]);
    expect(() => indexSelect(x, 0, idx([[0]]))).toThrow('indexSelect: index must be 1-D, got [1,1]');
    expect(() => indexSelect(x, 0, idx([2]))).toThrow('indexSelect: index 2 is out of range for an axis of length 2');
  });

  it('indexAdd accumulates slices at the indices (the adjoint of indexSelect)', () => {
    const r = indexAdd(zeros([3, 2]), 0, idx([0, 2, 0]), tensor([[1, 1], [2, 2], [3, 3]]));
    expect(r.arraySync()).toEqual([[4, 4], [0, 0], [2, 2]]);
    expect(() => indexAdd(zeros([3, 2]), 0, idx([0]), tensor([[1, 1], [2, 2]]))).toThrow('indexAdd: src [2,2] must match x [3,2] except axis 0 of length index.size = 1');
  });
});

describe('oneHot', () => {
  it('adds a trailing class axis with a 1 at each index (int32 by default)', () => {
    const o = oneHot(idx([[0, 2], [1, 1]]), 3);
    expect(o.dtype).toBe('int32');
    expect(o.shape).toEqual([2, 2, 3]);
    expect(o.arraySync()).toEqual([[[1, 0, 0], [0, 0, 1]], [[0, 1, 0], [0, 1, 0]]]);
    expect(oneHot(idx([1]), 2, 'float32').dtype).toBe('float32');
  });

  it('refuses non-integer indices and indices outside [0, numClasses)', () => {
    expect(() => oneHot(tensor([1]), 2)).toThrow('oneHot: index must be int32, got float32');
    expect(() => oneHot(idx([2]), 2)).toThrow('oneHot: class values must be in [0, 2), got 2');
    expect(() => oneHot(idx([-1]), 2)).toThrow('oneHot: class values must be in [0, 2), got -1');
  });
});

describe('oneHot with numClasses = -1', () => {
  it('infers the number of classes as the largest index + 1', () => {
    expect(oneHot(idx([0, 3])).shape).toEqual([2, 4]);
    expect(() => oneHot(idx([0]), 0)).toThrow('oneHot: numClasses must be a positive integer or -1, got 0');
  });
});

describe('a rank-0 index keeps the axis with length 1, as torch.index_select / index_add', () => {
  it('indexSelect and indexAdd', () => {
    const i = tensor(1, { dtype: 'int32' });
    expect(indexSelect(x, 0, i).arraySync()).toEqual([[4, 5, 6]]);
    expect(indexAdd(zeros([2, 3]), 1, i, tensor([[1], [1]])).arraySync()).toEqual([[0, 1, 0], [0, 1, 0]]);
  });
});
