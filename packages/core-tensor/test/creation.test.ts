import { describe, expect, it } from 'vitest';
import {
  tensor, scalar, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye, ShapeError, ArgumentError, DTypeError,
} from '@webgrad/core-tensor';

describe('tensor() from nested arrays and typed arrays', () => {
  it('infers the shape; numbers default to float32, booleans to bool', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.size).toBe(6);
    expect(t.rank).toBe(2);
    expect(t.ndim).toBe(2);
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor(5).shape).toEqual([]);
    expect(tensor([]).shape).toEqual([0]);
  });

  it('typed arrays keep their dtype, a shape may be given, and the data is copied', () => {
    const src = new Int32Array([1, 2, 3, 4]);
    const t = tensor(src, { shape: [2, 2] });
    expect(t.dtype).toBe('int32');
    expect(t.arraySync()).toEqual([[1, 2], [3, 4]]);
    src[0] = 100;
    expect(t.dataSync()[0]).toBe(1);
    expect(tensor(new Float64Array([1.5])).dtype).toBe('float64');
    expect(tensor(new Uint8Array([1, 0])).dtype).toBe('bool');
    expect(tensor(new Float32Array([1.7, -1.7]), { dtype: 'int32' }).arraySync()).toEqual([1, -1]);
  });

  it('an explicit dtype converts; int32 from numbers; flat data with a shape', () => {
    expect(tensor([1, 2], { dtype: 'int32' }).dtype).toBe('int32');
    expect(tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] }).shape).toEqual([3, 2]);
    expect(tensor([0, 2], { dtype: 'bool' }).arraySync()).toEqual([false, true]);
  });

  it('refuses ragged arrays and sizes that do not match the shape', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow('tensor: ragged nested array: expected length 2 at depth 1, got 1');
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow('tensor: 3 values cannot have shape [2,2]');
    expect(() => tensor(['a' as unknown as number])).toThrow(ArgumentError);
  });

  it('reads back as typed arrays, nested arrays and numbers', async () => {
    const t = tensor([[1, 2], [3, 4]]);
    expect(t.dataSync()).toBeInstanceOf(Float32Array);
    expect(Array.from(await t.data())).toEqual([1, 2, 3, 4]);
    expect(await t.array()).toEqual([[1, 2], [3, 4]]);
    expect(tensor([true]).arraySync()).toEqual([true]);
    expect(scalar(2.5).item()).toBe(2.5);
    expect(await scalar(3).itemAsync()).toBe(3);
    expect(() => t.item()).toThrow('item: only one-element tensors can be converted to a number, got shape [2,2]');
  });
});

describe('filled tensors', () => {
  it('zeros, ones, full and the *Like forms', () => {
    expect(zeros([2, 2]).arraySync()).toEqual([[0, 0], [0, 0]]);
    expect(ones([3], { dtype: 'int32' }).arraySync()).toEqual([1, 1, 1]);
    expect(full([2], 7.5).arraySync()).toEqual([7.5, 7.5]);
    expect(full([1], true).dtype).toBe('bool');
    const i = tensor([[1, 2]], { dtype: 'int32' });
    expect(zerosLike(i).dtype).toBe('int32');
    expect(onesLike(i).shape).toEqual([1, 2]);
    expect(fullLike(tensor([1, 2]), 3).arraySync()).toEqual([3, 3]);
  });

  it('validates shapes and values', () => {
    expect(() => zeros([2, -1])).toThrow('full: invalid shape [2,-1]: lengths must be non-negative integers');
    expect(() => full([2], 1.5, { dtype: 'int32' })).toThrow(DTypeError);
    expect(() => full([2], 1.5, { dtype: 'int32' })).toThrow('full: value 1.5 is not an integer but dtype is int32');
  });
});

describe('ranges and identity like torch.arange / linspace / eye', () => {
  it('arange: [start, end) in steps; integer arguments give int32', () => {
    expect(arange(5).arraySync()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(5).dtype).toBe('int32');
    expect(arange(1, 2, 0.25).arraySync()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(1, 2, 0.25).dtype).toBe('float32');
    expect(arange(5, 0, -2).arraySync()).toEqual([5, 3, 1]);
    expect(arange(3, 3).shape).toEqual([0]);
    expect(() => arange(0, 1, 0)).toThrow('arange: step must be a non-zero finite number, got 0');
  });

  it('linspace: evenly spaced, both ends included, the same float32 values as torch', () => {
    expect(linspace(0, 1, 5).arraySync()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(-1, 1, 1).arraySync()).toEqual([-1]);
    expect(linspace(0, 1, 0).shape).toEqual([0]);
    // torch.linspace(0, 1, 7) in float32
    expect(Array.from(linspace(0, 1, 7).dataSync())).toEqual([0, 0.1666666716337204, 0.3333333432674408, 0.5, 0.6666666269302368, 0.8333333134651184, 1]);
    // torch.linspace(-3.3, 7.1, 11)
    expect(Array.from(linspace(-3.3, 7.1, 11).dataSync())).toEqual([
      -3.299999952316284, -2.259999990463257, -1.2200000286102295, -0.18000006675720215, 0.8599998950958252, 1.9000000953674316,
      2.940000057220459, 3.9800000190734863, 5.019999980926514, 6.059999942779541, 7.099999904632568,
    ]);
    expect(Array.from(linspace(0, 1, 7, { dtype: 'float64' }).dataSync())).toEqual([0, 1 / 6, 1 / 3, 0.5, 0.6666666666666667, 0.8333333333333334, 1]);
    expect(() => linspace(0, 1, -1)).toThrow('linspace: steps must be a non-negative integer, got -1');
  });

  it('eye: ones on the diagonal, rectangular allowed', () => {
    expect(eye(2).arraySync()).toEqual([[1, 0], [0, 1]]);
    expect(eye(2, 3).arraySync()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(() => eye(-1)).toThrow('eye: sizes must be non-negative integers, got -1 and -1');
  });
});
