import { describe, expect, it } from 'vitest';
import {
  randn, manualSeed, matmul, batchMatmul, conv1d, conv2d, convTranspose1d, convTranspose2d, maxPool1d, maxPool2d, avgPool1d, avgPool2d,
  unfold, fold, tensor, type Tensor,
} from '@webgrad/core-tensor';
import { backward, gradcheck, grad, enableGrad } from '@webgrad/autograd';

function check(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  expect(gradcheck(f, inputs).ok).toBe(true);
}

manualSeed(8);

describe('gradcheck on matmul: 1-D operands, broadcast batches, transposed variants', () => {
  const shapes: [string, number[], number[]][] = [
    ['vector · vector', [4], [4]], ['vector · matrix', [4], [4, 3]], ['matrix · vector', [3, 4], [4]], ['matrix · matrix', [3, 4], [4, 2]],
    ['batch · matrix (shared weight)', [2, 3, 4], [4, 2]], ['matrix · batch', [3, 4], [2, 4, 5]],
    ['[2,1,3,4] · [3,4,2] (broadcast batch)', [2, 1, 3, 4], [3, 4, 2]],
  ];
  it.each(shapes)('%s', (_name, sa, sb) => check(matmul, [randn(sa), randn(sb)]));

  it.each([[false, false], [true, false], [false, true], [true, true]] as const)('batchMatmul transposeA=%s transposeB=%s', (tA, tB) => {
    const a = randn(tA ? [2, 4, 3] : [2, 3, 4]);
    const b = randn(tB ? [1, 5, 4] : [1, 4, 5]);
    check((p, q) => batchMatmul(p, q, tA, tB), [a, b]);
  });

  it('second order: the Hessian-vector product of Σ(AB)² through matmul', () => {
    const b = randn([3, 2]);
    check((a) => enableGrad(() => grad((u: Tensor) => matmul(u, b).square().sum())(a)[0]!), [randn([2, 3])]);
  });
});

describe('gradcheck on convolution and pooling (built on unfold/fold + matmul)', () => {
  const x = randn([2, 4, 6, 5]);
  it('unfold and fold', () => {
    check((t) => unfold(t, [2, 3], { stride: [2, 1], padding: 1, dilation: [1, 2] }), [x]);
    check((c) => fold(c, [5, 4], 2, { stride: 1, padding: 1 }), [randn([1, 8, 30])]);
  });
  it('conv2d with bias, stride and padding', () => check((t, w, b) => conv2d(t, w, b, { stride: 2, padding: 1 }), [x, randn([3, 4, 3, 3]), randn([3])]));
  it("conv2d with padding 'same' and dilation", () => check((t, w) => conv2d(t, w, null, { padding: 'same', dilation: [2, 1] }), [x, randn([2, 4, 2, 3])]));
  it('conv2d with groups', () => check((t, w) => conv2d(t, w, null, { groups: 2 }), [x, randn([4, 2, 3, 2])]));
  it('conv1d with stride, padding, dilation', () => check((t, w, b) => conv1d(t, w, b, { stride: 2, padding: 2, dilation: 2 }), [randn([2, 3, 9]), randn([4, 3, 3]), randn([4])]));
  it('convTranspose2d with stride, padding, outputPadding, groups', () => {
    check((t, w, b) => convTranspose2d(t, w, b, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }), [randn([1, 4, 3, 3]), randn([4, 1, 3, 3]), randn([2])]);
  });
  it('convTranspose1d', () => check((t, w) => convTranspose1d(t, w, null, { stride: 3 }), [randn([1, 2, 4]), randn([2, 3, 2])]));
  it('maxPool2d with padding and ceilMode', () => check((t) => maxPool2d(t, 3, { stride: 2, padding: 1, ceilMode: true }), [x]));
  it('maxPool2d with dilation', () => check((t) => maxPool2d(t, 2, { stride: 1, dilation: 2 }), [x]));
  it('avgPool2d with padding, countIncludePad false, ceilMode', () => check((t) => avgPool2d(t, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [x]));
  it('maxPool1d / avgPool1d', () => {
    const s = randn([2, 3, 10]);
    check((t) => maxPool1d(t, 3, { stride: 2, padding: 1 }), [s]);
    check((t) => avgPool1d(t, 4, { stride: 3, ceilMode: true }), [s]);
  });
  it('second order through conv2d, maxPool2d and avgPool2d', () => {
    const w = randn([2, 4, 3, 3]);
    const second = (f: (t: Tensor) => Tensor) => check((v) => enableGrad(() => grad((u: Tensor) => f(u).square().sum())(v)[0]!), [x]);
    second((t) => conv2d(t, w, null, { stride: 2, padding: 1 }));
    second((t) => maxPool2d(t, 2, { padding: 1 }));
    second((t) => avgPool2d(t, 3, { stride: 2, ceilMode: true }));
  });

  it('max pooling routes the gradient to the first maximum of each window', () => {
    const v = tensor([[[[1, 5, 5, 0]]]], { requiresGrad: true });
    backward(maxPool2d(v, [1, 2]).sum());
    expect(Array.from(v.grad!.dataSync())).toEqual([0, 1, 1, 0]);
    const w = tensor([[[[5, 5]]]], { requiresGrad: true });
    backward(maxPool2d(w, [1, 2]).sum());
    expect(Array.from(w.grad!.dataSync())).toEqual([1, 0]);
  });
});
