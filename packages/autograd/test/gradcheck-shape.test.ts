import { describe, expect, it } from 'vitest';
import {
  tensor, randn, manualSeed, reshape, flatten, squeeze, unsqueeze, expand, broadcastTo, permute, transpose, slice, narrow, select, flip,
  concat, stack, split, chunk, pad, triu, tril, clone, sliceScatter, add, mul, type Tensor,
} from '@webgrad/core-tensor';
import { backward, gradcheck } from '@webgrad/autograd';

function check(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  expect(gradcheck(f, inputs).ok).toBe(true);
}

manualSeed(5);
const x = randn([2, 3, 4]);

describe('gradcheck on data-movement ops (each gradient is the adjoint movement)', () => {
  const ops: [string, (t: Tensor) => Tensor][] = [
    ['reshape', (t) => reshape(t, [4, 6])],
    ['view via method', (t) => t.view([-1, 2])],
    ['flatten', (t) => flatten(t, 1)],
    ['squeeze/unsqueeze', (t) => squeeze(unsqueeze(t, 1), 1).mul(unsqueeze(t, -1).sum(-1))],
    ['expand [2,1,4] → [2,3,4]', (t) => expand(narrow(t, 1, 0, 1), [2, 3, 4])],
    ['broadcastTo a new leading axis', (t) => broadcastTo(t, [5, 2, 3, 4])],
    ['permute', (t) => permute(t, [2, 0, 1])],
    ['transpose', (t) => transpose(t, 0, 2)],
    ['clone', (t) => clone(t)],
    ['slice with steps', (t) => slice(t, [null, [null, null, 2], [1, 4, 2]])],
    ['slice with negative indices and steps', (t) => slice(t, [-1, [null, null, -1], [-2, 0, -1]])],
    ['narrow', (t) => narrow(t, 2, 1, 2)],
    ['select', (t) => select(t, 1, -1)],
    ['flip', (t) => flip(t, [0, 2])],
    ['concat', (t) => concat([t, t.mul(2), narrow(t, 1, 0, 1)], 1)],
    ['stack', (t) => stack([t, t.square()], 2)],
    ['split → recombine', (t) => { const [a, b] = split(t, [1, 3], 2); return mul(a!, b!.sum(2, true)); }],
    ['chunk', (t) => { const c = chunk(t, 2, 2); return mul(c[0]!, c[1]!); }],
    ['pad', (t) => pad(t, [1, 2, 0, 1], 3)],
    ['pad with negative amounts (crop)', (t) => pad(t, [-1, 1])],
    ['triu', (t) => triu(t, 1)],
    ['tril', (t) => tril(t, -1)],
  ];
  it.each(ops)('%s', (_name, op) => check(op, [x]));

  it('sliceScatter: gradient to the base outside the window and to src inside it', () => {
    manualSeed(6);
    check((b, s) => sliceScatter(b, s, { begin: [0, 3], step: [1, -2] }), [randn([2, 5]), randn([2, 2])]);
  });

  it('a reshape of a leaf sends the gradient back in the leaf shape', () => {
    const v = tensor([1, 2, 3, 4], { requiresGrad: true });
    backward(reshape(v, [2, 2]).mul(tensor([[1, 2], [3, 4]])).sum());
    expect(Array.from(v.grad!.dataSync())).toEqual([1, 2, 3, 4]);
  });

  it('a tensor used twice accumulates both paths: d/dx (x·x + x) = 2x + 1', () => {
    const v = tensor([3], { requiresGrad: true });
    backward(add(mul(v, v), v).sum());
    expect(v.grad!.item()).toBe(7);
  });
});
