import { describe, expect, it } from 'vitest';
import { tensor, matmul, conv2d, maxPool2d, avgPool2d, randn, manualSeed, softmax, logsumexp, arange, sum, tidy, memory, slice, pad, concat, stack, triu, oneHot } from '@webgrad/core-tensor';

describe('smoke', () => {
  it('works', () => {
    const a = tensor([[1, 2], [3, 4]]);
    console.log(a.matmul(a).add(1).toString());
    console.log(matmul(a, tensor([1, 1])).toString());
    manualSeed(0);
    const x = randn([1, 2, 5, 5]);
    const w = randn([3, 2, 3, 3]);
    console.log(conv2d(x, w, null, { padding: 1 }).shape);
    console.log(maxPool2d(x, 2).shape, avgPool2d(x, 3, { padding: 1, stride: 2, ceilMode: true }).shape);
    console.log(softmax(tensor([1, 2, 3])).toString(), logsumexp(tensor([1, 2, 3])).toString());
    console.log(sum(arange(10)).toString(), arange(5).toString());
    console.log(slice(arange(10), [[1, 8, 3]]).toString(), arange(10).flip(0).toString());
    console.log(pad(tensor([[1, 2]]), [1, 1, 1, 0]).toString());
    console.log(concat([a, a], 1).toString(), stack([a, a]).shape, triu(tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])).toString());
    console.log(oneHot(tensor([0, 2], { dtype: 'int32' }), 3).toString());
    const before = memory().numTensors;
    tidy(() => { a.mul(2).add(3); });
    expect(memory().numTensors).toBe(before);
  });
});
