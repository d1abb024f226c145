import { describe, expect, it } from 'vitest';
import { tensor, arange, reshape, flatten, squeeze, unsqueeze, permute, transpose, ShapeError, ArgumentError } from '@webgrad/core-tensor';

const x = reshape(arange(24, undefined, 1, { dtype: 'float32' }), [2, 3, 4]);

describe('reshape / view', () => {
  it('keeps row-major order and infers one −1', () => {
    expect(reshape(x, [4, -1]).shape).toEqual([4, 6]);
    expect((reshape(x, [6, 4]).arraySync() as number[][])[1]).toEqual([4, 5, 6, 7]);
    expect(x.view([-1]).shape).toEqual([24]);
  });

  it('is a view: no copy, the same storage', () => {
    expect(reshape(x, [24]).dataRef).toBe(x.dataRef);
  });

  it('refuses impossible shapes naming both', () => {
    expect(() => reshape(x, [5, -1])).toThrow('reshape: cannot reshape a tensor of shape [2,3,4] (24 elements) into [5,-1]');
    expect(() => reshape(x, [-1, -1])).toThrow('reshape: only one length can be -1, got [-1,-1]');
    expect(() => reshape(x, [7])).toThrow(ShapeError);
  });
});

describe('flatten / squeeze / unsqueeze', () => {
  it('flatten merges an axis range', () => {
    expect(flatten(x).shape).toEqual([24]);
    expect(flatten(x, 1).shape).toEqual([2, 12]);
    expect(flatten(x, 0, 1).shape).toEqual([6, 4]);
    expect(flatten(tensor(3)).shape).toEqual([1]);
    expect(() => flatten(x, 2, 1)).toThrow('flatten: startAxis 2 comes after endAxis 1');
  });

  it('squeeze drops length-1 axes (only those named, if any)', () => {
    const y = reshape(x, [1, 2, 1, 12, 1]);
    expect(squeeze(y).shape).toEqual([2, 12]);
    expect(squeeze(y, 2).shape).toEqual([1, 2, 12, 1]);
    expect(squeeze(y, [0, -1]).shape).toEqual([2, 1, 12]);
    expect(squeeze(y, 1).shape).toEqual([1, 2, 1, 12, 1]);
  });

  it('unsqueeze inserts an axis; negatives count from the end of the result', () => {
    expect(unsqueeze(x, 0).shape).toEqual([1, 2, 3, 4]);
    expect(unsqueeze(x, -1).shape).toEqual([2, 3, 4, 1]);
    expect(unsqueeze(x, 3).shape).toEqual([2, 3, 4, 1]);
    expect(() => unsqueeze(x, 5)).toThrow('unsqueeze: axis 5 is out of range for a tensor of rank 4');
  });
});

describe('permute / transpose', () => {
  it('permute reorders axes: out[i,j,k] = x[k,i,j] for axes [2,0,1]', () => {
    const p = permute(x, [2, 0, 1]);
    expect(p.shape).toEqual([4, 2, 3]);
    const v = p.arraySync() as number[][][];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 3; k++) expect(v[i]![j]![k]).toBe(j * 12 + k * 4 + i);
  });

  it('transpose swaps two axes (the last two by default) and .T reverses a matrix', () => {
    const m = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(transpose(m).arraySync()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(m.T.arraySync()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(transpose(x, 0, 2).shape).toEqual([4, 3, 2]);
  });

  it('validates the permutation', () => {
    expect(() => permute(x, [0, 1])).toThrow(ArgumentError);
    expect(() => permute(x, [0, 1])).toThrow('permute: expected 3 axes for a tensor of shape [2,3,4], got [0,1]');
    expect(() => permute(x, [0, 0, 1])).toThrow('permute: axes [0,0,1] repeat an axis');
  });
});
