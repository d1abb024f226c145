import { describe, expect, it } from 'vitest';
import {
  tensor, add, sub, mul, div, pow, minimum, maximum, eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, where, BINARY_OPS,
} from '@webgrad/core-tensor';

describe('binary ops compute their formula elementwise', () => {
  const a = tensor([1, -2, 3.5, 0]);
  const b = tensor([2, 2, -1, 4]);
  it('arithmetic', () => {
    expect(add(a, b).arraySync()).toEqual([3, 0, 2.5, 4]);
    expect(sub(a, b).arraySync()).toEqual([-1, -4, 4.5, -4]);
    expect(mul(a, b).arraySync()).toEqual([2, -4, -3.5, 0]);
    expect(div(a, b).arraySync()).toEqual([0.5, -1, -3.5, 0]);
    expect(pow(a, b).arraySync()).toEqual([1, 4, Math.fround(1 / 3.5), 0]);
  });

  it('method forms chain and accept numbers', () => {
    expect(a.add(1).mul(2).sub(b).div(2).arraySync()).toEqual([1, -2, 5, -1]);
    expect(add(1, a).arraySync()).toEqual([2, -1, 4.5, 1]);
    expect(sub(10, a).arraySync()).toEqual([9, 12, 6.5, 10]);
    expect(div(1, tensor([4])).item()).toBe(0.25);
    expect(pow(2, tensor([3])).item()).toBe(8);
  });

  it('division by zero follows IEEE: ±∞ and NaN', () => {
    expect(div(tensor([1, -1, 0]), 0).arraySync()).toEqual([Infinity, -Infinity, NaN]);
  });

  it('minimum/maximum propagate NaN (torch.minimum/maximum)', () => {
    expect(maximum(tensor([1, NaN, 3]), tensor([2, 0, NaN])).arraySync()).toEqual([2, NaN, NaN]);
    expect(minimum(tensor([1, 5]), tensor([2, 0])).arraySync()).toEqual([1, 0]);
    expect(maximum(tensor([1, 5], { dtype: 'int32' }), 3).arraySync()).toEqual([3, 5]);
  });

  it('comparisons return bool', () => {
    expect(eq(a, tensor([1, 2, 3.5, 1])).arraySync()).toEqual([true, false, true, false]);
    expect(ne(a, 0).arraySync()).toEqual([true, true, true, false]);
    expect(lt(a, b).arraySync()).toEqual([true, true, false, true]);
    expect(le(a, 3.5).arraySync()).toEqual([true, true, true, true]);
    expect(gt(a, b).dtype).toBe('bool');
    expect(ge(a, 0).arraySync()).toEqual([true, false, true, true]);
    expect(eq(tensor([NaN]), tensor([NaN])).item()).toBe(0);
  });

  it('logical and / or read any dtype as truth values (NaN is true)', () => {
    const x = tensor([0, 1, NaN, 2]);
    const y = tensor([true, true, false, false]);
    expect(logicalAnd(x, y).arraySync()).toEqual([false, true, false, false]);
    expect(logicalOr(x, y).arraySync()).toEqual([true, true, true, true]);
  });

  it('int32 arithmetic stays int32 and wraps like C (mul uses 32-bit products)', () => {
    const i = tensor([7, -3], { dtype: 'int32' });
    expect(add(i, 1).dtype).toBe('int32');
    expect(mul(i, 2).arraySync()).toEqual([14, -6]);
    expect(mul(tensor([65536], { dtype: 'int32' }), tensor([65537], { dtype: 'int32' })).item()).toBe(65536);
    expect(pow(i, 2).arraySync()).toEqual([49, 9]);
    // true division of integers gives float32
    expect(div(i, 2).dtype).toBe('float32');
    expect(div(i, 2).arraySync()).toEqual([3.5, -1.5]);
  });

  it('every table op is exported as a function of the same name', async () => {
    const mod = (await import('@webgrad/core-tensor')) as unknown as Record<string, unknown>;
    for (const def of BINARY_OPS) expect(typeof mod[def.name], def.name).toBe('function');
  });
});

describe('where(condition, x, y)', () => {
  it('picks x where the condition holds, y elsewhere', () => {
    expect(where(tensor([true, false, true]), tensor([1, 2, 3]), tensor([-1, -2, -3])).arraySync()).toEqual([1, -2, 3]);
  });

  it('broadcasts condition, x and y together', () => {
    const c = tensor([[true], [false]]); // [2,1]
    const x = tensor([1, 2, 3]); // [3]
    const y = tensor(0); // []
    const r = where(c, x, y);
    expect(r.shape).toEqual([2, 3]);
    expect(r.arraySync()).toEqual([[1, 2, 3], [0, 0, 0]]);
    expect(where(tensor([true, false]), 5, tensor([[1, 2], [3, 4]])).arraySync()).toEqual([[5, 2], [5, 4]]);
  });

  it('a non-bool condition is read as truth values; x and y are promoted together', () => {
    const r = where(tensor([0, 2]), tensor([1, 1], { dtype: 'int32' }), tensor([0.5, 0.5]));
    expect(r.dtype).toBe('float32');
    expect(r.arraySync()).toEqual([0.5, 1]);
    expect(tensor([1, 2]).where(tensor([true, false]), 9).arraySync()).toEqual([1, 9]);
  });

  it('mismatched shapes are refused naming the shapes', () => {
    expect(() => where(tensor([true, false]), tensor([1, 2, 3]), 0)).toThrow('where: shapes [2] and [3] cannot be broadcast together');
  });
});
