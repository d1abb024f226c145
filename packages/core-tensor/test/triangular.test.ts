import { describe, expect, it } from 'vitest';
import { tensor, triu, tril, ones, reshape, arange } from '@webgrad/core-tensor';

const m = reshape(arange(1, 10, 1, { dtype: 'float32' }), [3, 3]);

describe('triu / tril keep one side of the diagonal j − i = k', () => {
  it('main diagonal', () => {
    expect(triu(m).arraySync()).toEqual([[1, 2, 3], [0, 5, 6], [0, 0, 9]]);
    expect(tril(m).arraySync()).toEqual([[1, 0, 0], [4, 5, 0], [7, 8, 9]]);
  });

  it('positive and negative diagonals', () => {
    expect(triu(m, 1).arraySync()).toEqual([[0, 2, 3], [0, 0, 6], [0, 0, 0]]);
    expect(tril(m, -1).arraySync()).toEqual([[0, 0, 0], [4, 0, 0], [7, 8, 0]]);
    expect(m.triu(-1).arraySync()).toEqual([[1, 2, 3], [4, 5, 6], [0, 8, 9]]);
  });

  it('non-square and batched: applied to the last two axes', () => {
    expect(tril(ones([2, 4])).arraySync()).toEqual([[1, 0, 0, 0], [1, 1, 0, 0]]);
    const b = triu(ones([2, 2, 2]));
    expect(b.arraySync()).toEqual([[[1, 1], [0, 1]], [[1, 1], [0, 1]]]);
  });

  it('keeps the dtype and refuses rank < 2', () => {
    expect(tril(tensor([[1, 2], [3, 4]], { dtype: 'int32' })).dtype).toBe('int32');
    expect(() => triu(tensor([1, 2]))).toThrow('triu: needs a tensor of rank >= 2, got shape [2]');
    expect(() => tril(tensor([1, 2]))).toThrow('tril: needs a tensor of rank >= 2, got shape [2]');
  });
});
