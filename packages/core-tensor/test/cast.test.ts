import { describe, expect, it } from 'vitest';
import { tensor, cast } from '@webgrad/core-tensor';

describe('cast follows PyTorch (C) conversion rules', () => {
  it('float → int32 truncates toward zero', () => {
    const r = cast(tensor([2.9, -2.9, 0.5, -0.5, 7]), 'int32');
    expect(r.dtype).toBe('int32');
    expect(r.arraySync()).toEqual([2, -2, 0, 0, 7]);
  });

  it('anything → bool is "not zero" (NaN is true)', () => {
    expect(cast(tensor([0, -0, 0.1, NaN, -3]), 'bool').arraySync()).toEqual([false, false, true, true, true]);
    expect(cast(tensor([0, 5], { dtype: 'int32' }), 'bool').arraySync()).toEqual([false, true]);
  });

  it('bool → numbers gives 0 and 1', () => {
    const b = tensor([true, false]);
    expect(cast(b, 'float32').arraySync()).toEqual([1, 0]);
    expect(cast(b, 'int32').arraySync()).toEqual([1, 0]);
    expect(cast(b, 'float64').dtype).toBe('float64');
  });

  it('float64 → float32 rounds to nearest; int32 → float32 rounds large integers', () => {
    expect(cast(tensor([0.1], { dtype: 'float64' }), 'float32').item()).toBe(Math.fround(0.1));
    expect(cast(tensor([16777217], { dtype: 'int32' }), 'float32').item()).toBe(16777216);
    expect(cast(tensor([0.1]), 'float64').item()).toBe(Math.fround(0.1));
  });

  it('infinities become true as bool', () => {
    expect(cast(tensor([Infinity, -Infinity]), 'bool').arraySync()).toEqual([true, true]);
  });

  it('casting to the same dtype returns the tensor itself; the method form works', () => {
    const t = tensor([1, 2]);
    expect(cast(t, 'float32')).toBe(t);
    expect(t.cast('int32').dtype).toBe('int32');
  });

});
