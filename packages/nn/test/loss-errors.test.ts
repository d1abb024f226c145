import { describe, expect, it } from 'vitest';
import { gradcheck } from '@webgrad/autograd';
import { manualSeed, rand, randn, softmax, tensor } from '@webgrad/core-tensor';
import {
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  MSELoss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  cosineEmbeddingLoss,
  crossEntropy,
  gaussianNllLoss,
  halfSquaredError,
  huberLoss,
  klDiv,
  mseLoss,
  nllLoss,
  smoothL1Loss,
} from '@webgrad/nn';

const idx = (v: number[]) => tensor(v, { dtype: 'int32' });

describe('losses refuse bad inputs with messages naming the problem', () => {
  it('crossEntropy: class index out of range, batch mismatch, weight size, smoothing range', () => {
    const x = randn([3, 4]);
    expect(() => crossEntropy(x, idx([0, 5, 1]))).toThrow(/crossEntropy: target 5 \(at flat index 1\) is out of bounds for 4 classes/);
    expect(() => crossEntropy(x, idx([0, -1, 1]))).toThrow(/target -1 .* out of bounds/);
    expect(() => crossEntropy(x, idx([0, 1]))).toThrow(/input \[3,4\] expects a target of shape \[3\], got \[2\]/);
    expect(() => crossEntropy(x, idx([0, 1, 2]), { weight: tensor([1, 1, 1]) })).toThrow(/weight must have one entry per class, shape \[4\], got \[3\]/);
    expect(() => crossEntropy(x, idx([0, 1, 2]), { labelSmoothing: 1.5 })).toThrow(/labelSmoothing must be between 0.0 and 1.0, got 1.5/);
    expect(() => crossEntropy(x, rand([3, 5]))).toThrow(/probability target must have the input's shape \[3,4\], got \[3,5\]/);
    expect(() => crossEntropy(x, rand([3, 4]), { ignoreIndex: 1 })).toThrow(/ignoreIndex \(1\) is not supported for probability/);
    expect(() => crossEntropy(x, idx([0, 1, 2]), { reduction: 'avg' as never })).toThrow(/reduction must be one of 'mean', 'sum', 'none', got 'avg'/);
    expect(() => crossEntropy(tensor(1), idx([0]))).toThrow(/expected input \[C\], \[N, C\] or \[N, C, d1, \.\.\.\], got a scalar/);
  });
  it('an ignored target may lie outside the classes; all ignored gives NaN for the mean, as PyTorch', () => {
    const x = randn([2, 3]);
    expect(crossEntropy(x, idx([-100, -100])).item()).toBeNaN();
    expect(nllLoss(x, idx([7, 7]), { ignoreIndex: 7, reduction: 'sum' }).item()).toBe(0);
  });
  it('binaryCrossEntropy: probabilities and targets in [0, 1], same shapes', () => {
    expect(() => binaryCrossEntropy(tensor([0.5, 1.2]), tensor([0, 1]))).toThrow(/all elements of input should be between 0 and 1, found 1.2/);
    expect(() => binaryCrossEntropy(tensor([0.5, 0.2]), tensor([0, 2]))).toThrow(/all elements of target should be between 0 and 1, found 2/);
    expect(() => binaryCrossEntropy(rand([3, 1]), rand([3]))).toThrow(/target \[3\] must have the same shape as the input \[3,1\]/);
    expect(() => binaryCrossEntropyWithLogits(randn([3, 2]), rand([3, 2]), { posWeight: tensor([1, 2, 3]) })).toThrow(/posWeight \[3\] must broadcast to the input \[3,2\]/);
  });
  it('gaussianNllLoss: variance shape and sign', () => {
    expect(() => gaussianNllLoss(randn([4, 3]), randn([4, 3]), rand([3]))).toThrow(/var \[3\] must have the input's shape \[4,3\]/);
    expect(() => gaussianNllLoss(randn([2]), randn([2]), tensor([0.1, -1]))).toThrow(/var has negative entries/);
  });
  it('smoothL1 and huber: β ≥ 0 and δ > 0', () => {
    expect(() => smoothL1Loss(randn([2]), randn([2]), { beta: -1 })).toThrow(/beta must be non-negative, got -1/);
    expect(() => huberLoss(randn([2]), randn([2]), { delta: 0 })).toThrow(/delta must be positive, got 0/);
    expect(() => klDiv(randn([2]), rand([2]), { reduction: 'avg' as never })).toThrow(/'batchmean'/);
  });
});

describe('loss identities', () => {
  it('halfSquaredError is ½‖y − d‖², and its gradient is y − d', () => {
    const y = tensor([[1, 2], [3, 5]], { requiresGrad: true });
    const d = tensor([[0, 2], [1, 1]]);
    const e = halfSquaredError(y, d);
    expect(e.item()).toBeCloseTo(0.5 * (1 + 0 + 4 + 16), 6);
    e.backward();
    expect(y.grad!.arraySync()).toEqual([[1, 0], [2, 4]]);
    expect(halfSquaredError(y, d, { reduction: 'batchmean' }).item()).toBeCloseTo(10.5 / 2, 6);
    expect(halfSquaredError(y, d, { reduction: 'none' }).arraySync()).toEqual([[0.5, 0], [2, 8]]);
    expect(halfSquaredError(y, d, { reduction: 'mean' }).item()).toBeCloseTo(10.5 / 4, 6);
  });
  it('huber(δ) = δ·smoothL1(β = δ)', () => {
    const x = randn([20]).mul(3);
    const y = randn([20]);
    expect(huberLoss(x, y, { delta: 0.7 }).item()).toBeCloseTo(0.7 * smoothL1Loss(x, y, { beta: 0.7 }).item(), 5);
  });
  it('cross-entropy with one-hot probabilities equals cross-entropy with indices', () => {
    const x = randn([5, 4]);
    const t = idx([0, 3, 2, 2, 1]);
    const onehot = t.arraySync() as number[];
    const q = tensor(onehot.map((c) => [0, 1, 2, 3].map((k) => (k === c ? 1 : 0))));
    expect(crossEntropy(x, q, { labelSmoothing: 0.2 }).item()).toBeCloseTo(crossEntropy(x, t, { labelSmoothing: 0.2 }).item(), 5);
  });
  it('loss modules keep their class weights as buffers named like PyTorch', () => {
    expect(Object.keys(new CrossEntropyLoss({ weight: tensor([1, 2]) }).stateDict())).toEqual(['weight']);
    expect(Object.keys(new BCEWithLogitsLoss({ posWeight: tensor([2]) }).stateDict())).toEqual(['pos_weight']);
    expect(Object.keys(new CrossEntropyLoss().stateDict())).toEqual([]);
    expect(new MSELoss({ reduction: 'sum' }).forward(tensor([1, 2]), tensor([0, 0])).item()).toBe(5);
    expect(new CrossEntropyLoss().toString()).toBe('CrossEntropyLoss()');
  });
});

describe('loss gradients agree with central differences (gradcheck, float64)', () => {
  manualSeed(7);
  const opts = { atol: 1e-6, rtol: 1e-4 };
  it('regression losses', () => {
    const [x, y] = [randn([4, 3]), randn([4, 3])];
    expect(gradcheck((a, b) => mseLoss(a!, b!), [x, y], opts).ok).toBe(true);
    expect(gradcheck((a, b) => smoothL1Loss(a!, b!, { beta: 0.5, reduction: 'sum' }), [x, y], opts).ok).toBe(true);
    expect(gradcheck((a, b) => huberLoss(a!, b!, { delta: 0.8, reduction: 'none' }), [x, y], opts).ok).toBe(true);
  });
  it('binary cross-entropies', () => {
    const p = rand([4, 3]).mul(0.9).add(0.05);
    const t = rand([4, 3]);
    expect(gradcheck((a, b) => binaryCrossEntropy(a!, b!, { weight: tensor([0.5, 1, 2], { dtype: 'float64' }) }), [p, t], opts).ok).toBe(true);
    expect(gradcheck((z, b, pw) => binaryCrossEntropyWithLogits(z!, b!, { posWeight: pw! }), [randn([4, 3]).mul(3), t, rand([3]).mul(3)], opts).ok).toBe(true);
  });
  it('cross-entropy, nll, kl, gaussian nll, cosine embedding', () => {
    const x = randn([5, 4]);
    const w = rand([4]).add(0.1);
    const t = idx([1, -100, 3, 0, 3]);
    expect(gradcheck((a, ww) => crossEntropy(a!, t, { weight: ww!, labelSmoothing: 0.1 }), [x, w], opts).ok).toBe(true);
    expect(gradcheck((a, q) => crossEntropy(a!, q!, { labelSmoothing: 0.3 }), [x, softmax(randn([5, 4]), 1)], opts).ok).toBe(true);
    expect(gradcheck((a) => nllLoss(a!, idx([0, 1, 2]), { reduction: 'sum' }), [randn([3, 4])], opts).ok).toBe(true);
    expect(gradcheck((a, q) => klDiv(a!, q!, { reduction: 'batchmean' }), [randn([3, 4]), rand([3, 4]).add(0.1)], opts).ok).toBe(true);
    expect(gradcheck((m, y, v) => gaussianNllLoss(m!, y!, v!, { full: true }), [randn([4, 2]), randn([4, 2]), rand([4]).add(0.2)], opts).ok).toBe(true);
    expect(gradcheck((a, b) => cosineEmbeddingLoss(a!, b!, tensor([1, -1, -1], { dtype: 'float64' }), { margin: -0.5 }), [randn([3, 5]), randn([3, 5])], opts).ok).toBe(true);
  });
});
