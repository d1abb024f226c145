import { describe, expect, it } from 'vitest';
import { tensor, randn, manualSeed, gather, scatterAdd, indexSelect, indexAdd, oneHot, mul, type Tensor } from '@webgrad/core-tensor';
import { backward, gradcheck } from '@webgrad/autograd';

function check(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  expect(gradcheck(f, inputs).ok).toBe(true);
}

const idx = (v: number[] | number[][]) => tensor(v, { dtype: 'int32' });
manualSeed(7);

describe('gradcheck on gather / scatterAdd / indexSelect / indexAdd (adjoint pairs)', () => {
  it('gather along axis 1 with repeated indices', () => check((x) => gather(x, 1, idx([[0, 0, 2], [1, 2, 1]])), [randn([2, 3])]));
  it('gather along axis 0', () => check((x) => gather(x, 0, idx([[1, 0, 1, 1]])), [randn([2, 4])]));
  it('scatterAdd: into x and from src, src larger than index', () => {
    check((x, s) => scatterAdd(x, 1, idx([[0, 0], [2, 1]]), s), [randn([2, 3]), randn([2, 4])]);
  });
  it('indexSelect with repeats and a negative index', () => check((x) => indexSelect(x, 1, idx([2, 0, 2, -1])), [randn([3, 3])]));
  it('indexAdd: into x and from src', () => check((x, s) => indexAdd(x, 0, idx([1, 1, 0]), s), [randn([2, 3]), randn([3, 3])]));
  it('indexSelect with a rank-0 index', () => check((x) => indexSelect(x, 0, tensor(1, { dtype: 'int32' })), [randn([3, 2])]));

  it('the gradient of gather lands on the gathered positions, summed over repeats', () => {
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    backward(gather(x, 1, idx([[2, 2, 0]])).sum());
    expect(x.grad!.arraySync()).toEqual([[1, 0, 2]]);
  });

  it('an embedding lookup (indexSelect) trains only the rows used', () => {
    const table = tensor([[1, 1], [2, 2], [3, 3]], { requiresGrad: true });
    backward(indexSelect(table, 0, idx([2, 0, 2])).sum());
    expect(table.grad!.arraySync()).toEqual([[1, 1], [0, 0], [2, 2]]);
  });

  it('oneHot is integer-valued: used as a mask it passes gradients only to the selected logits', () => {
    const logits = tensor([[0.1, 0.2, 0.7]], { requiresGrad: true });
    backward(mul(logits, oneHot(idx([2]), 3, 'float32')).sum());
    expect(Array.from(logits.grad!.dataSync())).toEqual([0, 0, 1]);
  });
});
