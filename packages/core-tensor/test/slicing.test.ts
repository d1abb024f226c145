import { describe, expect, it } from 'vitest';
import { tensor, arange, reshape, slice, narrow, select, flip, sliceScatter, zeros, ShapeError, ArgumentError } from '@webgrad/core-tensor';

const v = arange(10, undefined, 1, { dtype: 'float32' });
const m = reshape(arange(12, undefined, 1, { dtype: 'float32' }), [3, 4]);

describe('slice follows Python indexing', () => {
  it('start:end:step, with negative indices counting from the end', () => {
    expect(slice(v, [[2, 8, 2]]).arraySync()).toEqual([2, 4, 6]); // v[2:8:2]
    expect(slice(v, [[-3, null]]).arraySync()).toEqual([7, 8, 9]); // v[-3:]
    expect(slice(v, [[null, -7]]).arraySync()).toEqual([0, 1, 2]); // v[:-7]
    expect(slice(v, [{ start: 1, step: 4 }]).arraySync()).toEqual([1, 5, 9]); // v[1::4]
  });

  it('negative steps walk backwards; [::-1] reverses', () => {
    expect(slice(v, [[null, null, -1]]).arraySync()).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(slice(v, [[8, 2, -2]]).arraySync()).toEqual([8, 6, 4]); // v[8:2:-2]
    expect(slice(v, [[-1, -4, -1]]).arraySync()).toEqual([9, 8, 7]);
  });

  it('out-of-range bounds clamp; empty ranges give length 0', () => {
    expect(slice(v, [[5, 100]]).arraySync()).toEqual([5, 6, 7, 8, 9]);
    expect(slice(v, [[-100, 2]]).arraySync()).toEqual([0, 1]);
    expect(slice(v, [[6, 3]]).shape).toEqual([0]);
    expect(slice(v, [[3, 6, -1]]).shape).toEqual([0]);
  });

  it('several axes at once; a number picks one index and drops the axis; missing axes are kept', () => {
    expect(slice(m, [[1, 3], [null, null, 2]]).arraySync()).toEqual([[4, 6], [8, 10]]); // m[1:3, ::2]
    expect(slice(m, [-1]).arraySync()).toEqual([8, 9, 10, 11]); // m[-1]
    expect(slice(m, [null, 2]).arraySync()).toEqual([2, 6, 10]); // m[:, 2]
    expect(slice(m, [1, -1]).item()).toBe(7); // m[1, -1]
    expect(m.slice([[null, null, -1], [null, null, -1]]).arraySync()).toEqual([[11, 10, 9, 8], [7, 6, 5, 4], [3, 2, 1, 0]]);
  });

  it('validates indices and steps', () => {
    expect(() => slice(m, [3])).toThrow(ShapeError);
    expect(() => slice(m, [3])).toThrow('slice: index 3 is out of range for axis 0 of length 3');
    expect(() => slice(m, [null, -5])).toThrow('slice: index -5 is out of range for axis 1 of length 4');
    expect(() => slice(m, [[0, 2, 0]])).toThrow(ArgumentError);
    expect(() => slice(m, [[0, 2, 0]])).toThrow('slice: step must be a non-zero integer, got 0');
    expect(() => slice(m, [0, 0, 0])).toThrow('slice: 3 indices for a tensor of rank 2 [3,4]');
  });
});

describe('narrow / select / flip', () => {
  it('narrow takes length elements from start (negative start counts from the end)', () => {
    expect(narrow(m, 1, 1, 2).arraySync()).toEqual([[1, 2], [5, 6], [9, 10]]);
    expect(narrow(v, 0, -2, 2).arraySync()).toEqual([8, 9]);
    expect(() => narrow(v, 0, 8, 3)).toThrow('narrow: start 8 and length 3 do not fit axis 0 of length 10');
  });

  it('select removes the axis', () => {
    expect(select(m, 1, -1).arraySync()).toEqual([3, 7, 11]);
    expect(m.select(0, 0).shape).toEqual([4]);
  });

  it('flip reverses the named axes', () => {
    expect(flip(m, 0).arraySync()).toEqual([[8, 9, 10, 11], [4, 5, 6, 7], [0, 1, 2, 3]]);
    expect(flip(m, [0, 1]).arraySync()).toEqual(slice(m, [[null, null, -1], [null, null, -1]]).arraySync());
    expect(flip(m, -1).arraySync()).toEqual([[3, 2, 1, 0], [7, 6, 5, 4], [11, 10, 9, 8]]);
  });
});

describe('sliceScatter writes into a strided window (the adjoint of slice)', () => {
  it('writes src at begin with step, leaving the rest', () => {
    const r = sliceScatter(zeros([2, 5]), tensor([[1, 2, 3]]), { begin: [1, 0], step: [1, 2] });
    expect(r.arraySync()).toEqual([[0, 0, 0, 0, 0], [1, 0, 2, 0, 3]]);
  });

  it('backwards steps too', () => {
    const r = sliceScatter(zeros([4]), tensor([1, 2]), { begin: [3], step: [-2] });
    expect(r.arraySync()).toEqual([0, 2, 0, 1]);
  });

  it('refuses windows that do not fit', () => {
    expect(() => sliceScatter(zeros([4]), tensor([1, 2, 3]), { begin: [2], step: [1] })).toThrow('sliceScatter: window on axis 0 does not fit base [4]');
    expect(() => sliceScatter(zeros([4]), tensor([[1]]), { begin: [0], step: [1] })).toThrow('sliceScatter: src [1,1] and base [4] differ in rank');
  });
});
