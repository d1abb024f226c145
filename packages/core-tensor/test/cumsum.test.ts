import { describe, expect, it } from 'vitest';
import { tensor, cumsum } from '@webgrad/core-tensor';
import { expectMatches, fromFixture, opCase } from './torch-fixtures';

describe('cumsum', () => {
  it('running sums along an axis: yᵢ = Σ_{k≤i} xₖ', () => {
    expect(cumsum(tensor([1, 2, 3, 4]), 0).arraySync()).toEqual([1, 3, 6, 10]);
    expect(cumsum(tensor([[1, 2], [3, 4]]), 0).arraySync()).toEqual([[1, 2], [4, 6]]);
    expect(tensor([[1, 2], [3, 4]]).cumsum(-1).arraySync()).toEqual([[1, 3], [3, 7]]);
  });

  it.each(['cumsum_axis1', 'cumsum_axis-1'])('matches torch: %s', (name) => {
    const c = opCase(name);
    expectMatches(cumsum(fromFixture(c.inputs.x!), c.attrs.axis), c.out);
  });

  it('bool counts as int32; int32 stays int32', () => {
    const b = cumsum(tensor([true, false, true]), 0);
    expect(b.dtype).toBe('int32');
    expect(b.arraySync()).toEqual([1, 1, 2]);
    expect(cumsum(tensor([1, 2], { dtype: 'int32' }), 0).dtype).toBe('int32');
  });

  it('validates the axis', () => {
    expect(() => cumsum(tensor([1]), 1)).toThrow('cumsum: axis 1 is out of range for a tensor of rank 1');
  });
});
