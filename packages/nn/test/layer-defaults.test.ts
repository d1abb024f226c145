import { describe, expect, it } from 'vitest';
import { manualSeed, randn, tensor, type Tensor } from '@webgrad/core-tensor';
import {
  AvgPool1d,
  AvgPool2d,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  Embedding,
  Flatten,
  Linear,
  MaxPool2d,
  Unflatten,
  Upsample,
  embedding,
  interpolate,
} from '@webgrad/nn';

function stats(t: Tensor): { mean: number; variance: number; maxAbs: number } {
  const v = Array.from(t.dataSync());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, variance: v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length, maxAbs: Math.max(...v.map(Math.abs)) };
}

/** U(−b, b) has variance b²/3; checks the bound and the moments. */
function expectUniform(t: Tensor, bound: number): void {
  const s = stats(t);
  expect(s.maxAbs).toBeLessThanOrEqual(bound);
  expect(s.maxAbs).toBeGreaterThan(0.9 * bound);
  expect(Math.abs(s.mean)).toBeLessThan(0.05 * bound);
  expect(s.variance / (bound * bound / 3)).toBeGreaterThan(0.9);
  expect(s.variance / (bound * bound / 3)).toBeLessThan(1.1);
}

describe("default initialisation equals PyTorch's", () => {
  manualSeed(99);
  it('Linear: weight and bias U(−1/√in, 1/√in)', () => {
    const l = new Linear(64, 128);
    expectUniform(l.weight, 1 / 8);
    expect(stats(l.bias!).maxAbs).toBeLessThanOrEqual(1 / 8);
  });
  it('Conv2d: U(−1/√fanIn, 1/√fanIn) with fanIn = (in/groups)·kh·kw', () => {
    const c = new Conv2d(8, 64, [3, 5], { groups: 2 });
    expect(c.weight.shape).toEqual([64, 4, 3, 5]);
    expectUniform(c.weight, 1 / Math.sqrt(4 * 15));
    expect(stats(c.bias!).maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(60));
    expectUniform(new Conv1d(16, 32, 4).weight, 1 / 8);
  });
  it('ConvTranspose2d: weight [in, out/groups, kh, kw], fanIn = (out/groups)·kh·kw', () => {
    const c = new ConvTranspose2d(64, 8, 3, { groups: 2 });
    expect(c.weight.shape).toEqual([64, 4, 3, 3]);
    expectUniform(c.weight, 1 / 6);
  });
  it('Embedding: N(0, 1) with the padding row zero', () => {
    const e = new Embedding(400, 50, { paddingIdx: 3 });
    const s = stats(e.weight);
    expect(s.mean).toBeCloseTo(0, 1);
    expect(s.variance).toBeGreaterThan(0.95);
    expect(s.variance).toBeLessThan(1.05);
    expect(Array.from(e.weight.slice([[3, 4]]).dataSync())).toEqual(new Array(50).fill(0));
  });
});

describe('Embedding', () => {
  it('gives the padding row no gradient while others accumulate per use', () => {
    const e = new Embedding(5, 2, { paddingIdx: 0 });
    const out = e.forward(tensor([0, 2, 2, 0], { dtype: 'int32' }));
    out.sum().backward();
    expect(e.weight.grad!.arraySync()).toEqual([[0, 0], [0, 0], [2, 2], [0, 0], [0, 0]]);
  });
  it('looks up the padding row as stored (it is only cut from the gradient)', () => {
    const w = Embedding.fromPretrained(tensor([[1, 2], [3, 4]]), { paddingIdx: 1 });
    expect(w.forward(tensor([1], { dtype: 'int32' })).arraySync()).toEqual([[3, 4]]);
    expect(w.weight.requiresGrad).toBe(false);
    expect(Embedding.fromPretrained(tensor([[1, 2]]), { freeze: false }).weight.requiresGrad).toBe(true);
  });
  it('refuses indices out of range, float indices and bad paddingIdx', () => {
    const e = new Embedding(4, 2);
    expect(() => e.forward(tensor([1, 4], { dtype: 'int32' }))).toThrow(/embedding: index 4 \(at flat index 1\) is out of range for 4 embeddings/);
    expect(() => e.forward(tensor([-1], { dtype: 'int32' }))).toThrow(/index -1/);
    expect(() => e.forward(tensor([1]))).toThrow(/indices must be int32, got float32/);
    expect(() => new Embedding(4, 2, { paddingIdx: 4 })).toThrow(/paddingIdx must be within \[-4, 3\]/);
    expect(() => embedding(tensor([0], { dtype: 'int32' }), randn([3]))).toThrow(/weight must be \[numEmbeddings, embeddingDim\], got \[3\]/);
    expect(new Embedding(10, 3, { paddingIdx: -1 }).toString()).toBe('Embedding(10, 3, padding_idx=9)');
  });
});

describe('layers print like PyTorch and refuse bad configurations', () => {
  it('reprs', () => {
    expect(new Conv2d(3, 8, 3).toString()).toBe('Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))');
    expect(new Conv2d(4, 8, [3, 1], { stride: 2, padding: 1, groups: 2, bias: false, paddingMode: 'reflect' }).toString()).toBe(
      'Conv2d(4, 8, kernel_size=(3, 1), stride=(2, 2), padding=(1, 1), groups=2, bias=False, padding_mode=reflect)',
    );
    expect(new Conv1d(2, 4, 3, { padding: 'same', dilation: 2 }).toString()).toBe('Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=same, dilation=(2,))');
    expect(new ConvTranspose2d(8, 4, 4, { stride: 2, padding: 1, outputPadding: 1 }).toString()).toBe(
      'ConvTranspose2d(8, 4, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))',
    );
    expect(new MaxPool2d(2).toString()).toBe('MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)');
    expect(new AvgPool2d([3, 2], { stride: 1 }).toString()).toBe('AvgPool2d(kernel_size=(3, 2), stride=1, padding=0)');
    expect(new AvgPool1d(3).toString()).toBe('AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))');
    expect(new Flatten().toString()).toBe('Flatten(start_dim=1, end_dim=-1)');
    expect(new Unflatten(1, [2, 5]).toString()).toBe('Unflatten(dim=1, unflattened_size=(2, 5))');
    expect(new Upsample({ scaleFactor: 2, mode: 'bilinear' }).toString()).toBe("Upsample(scale_factor=2.0, mode='bilinear')");
    expect(new Upsample({ size: [4, 5] }).toString()).toBe("Upsample(size=(4, 5), mode='nearest')");
  });
  it('errors name the layer, the shapes and what was expected', () => {
    expect(() => new Conv2d(3, 8, 3, { groups: 2 })).toThrow(/Conv2d: inChannels \(3\) must be divisible by groups \(2\)/);
    expect(() => new Conv2d(4, 6, 3, { groups: 4 })).toThrow(/outChannels \(6\) must be divisible by groups \(4\)/);
    expect(() => new Conv2d(3, 8, 3, { padding: 'same', stride: 2 })).toThrow(/padding='same' is not supported for strided convolutions/);
    expect(() => new Conv2d(3, 8, [3, 3, 3])).toThrow(/kernelSize must be an integer >= 1 or 2 of them, got \[3, 3, 3\]/);
    expect(() => new Conv2d(3, 8, 3).forward(randn([1, 4, 5, 5]))).toThrow(/Conv2d: expected 3 input channels \(axis 1\), got input \[1,4,5,5\]/);
    expect(() => new Conv2d(3, 8, 3).forward(randn([5, 5]))).toThrow(/Conv2d: expected input \[N, C, H, W\] or \[C, H, W\], got \[5,5\]/);
    expect(() => new Conv1d(2, 2, 3, { padding: 3, paddingMode: 'reflect' }).forward(randn([1, 2, 3]))).toThrow(/reflect padding \(3, 3\) must be smaller than the input length 3/);
    expect(() => new ConvTranspose2d(2, 2, 3, { stride: 2, outputPadding: 2 })).toThrow(/outputPadding \(2, 2\) must be smaller than either stride/);
    expect(() => new ConvTranspose2d(2, 2, 3, { stride: 2 }).forward(randn([1, 2, 4, 4]), [12, 9])).toThrow(/valid sizes along axis 0 range from 9 to 10/);
    expect(() => new Unflatten(1, [4, 4]).forward(randn([2, 12]))).toThrow(/cannot split axis 1 of length 12 \(input \[2,12\]\) into \[4, 4\]/);
    expect(() => interpolate(randn([1, 1, 4, 4]), { size: 3, scaleFactor: 2 })).toThrow(/give exactly one of size and scaleFactor/);
    expect(() => interpolate(randn([1, 1, 4]), { size: 8, mode: 'bilinear' })).toThrow(/mode 'bilinear' needs a 4-D input/);
    expect(() => interpolate(randn([1, 1, 4, 4]), { size: 8, alignCorners: true })).toThrow(/alignCorners can only be set with the interpolating modes/);
  });
  it('Unflatten infers a −1 length; conv output shapes follow the formula', () => {
    expect(new Unflatten(-1, [3, -1]).forward(randn([2, 12])).shape).toEqual([2, 3, 4]);
    // H_out = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1 = ⌊(11 + 2 − 4 − 1)/3⌋ + 1 = 3
    expect(new Conv2d(1, 1, 3, { padding: 1, dilation: 2, stride: 3 }).forward(randn([1, 1, 11, 11])).shape).toEqual([1, 1, 3, 3]);
    // H_out = (H − 1)s − 2p + d(k − 1) + op + 1 = 6·2 − 2 + 3 + 1 + 1 = 15
    expect(new ConvTranspose2d(1, 1, 4, { stride: 2, padding: 1, outputPadding: 1 }).forward(randn([1, 1, 7, 7])).shape).toEqual([1, 1, 15, 15]);
  });
});
