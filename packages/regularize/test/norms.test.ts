import { describe, expect, it } from 'vitest';
import { ones, randn, tidy, zeros } from '@webgrad/core-tensor';
import { Sequential } from '@webgrad/nn';
import {
  BatchNorm1d,
  BatchNorm2d,
  GroupNorm,
  LayerNorm,
  batchNorm,
  groupNorm,
  layerNorm,
} from '@webgrad/regularize';
import { expectClose } from './close-to.js';

describe('BatchNorm1d / BatchNorm2d', () => {
  it('names parameters and buffers as PyTorch: weight, bias, running_mean, running_var, num_batches_tracked', () => {
    const bn = new BatchNorm1d(3);
    expect(Object.keys(bn.stateDict())).toEqual([
      'weight',
      'bias',
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    expect(bn.num_batches_tracked!.dtype).toBe('int32');
    expect(Array.from(bn.running_var!.dataSync())).toEqual([1, 1, 1]);
    const net = new Sequential(new BatchNorm2d(2, { affine: false }));
    expect(Object.keys(net.stateDict())).toEqual([
      '0.running_mean',
      '0.running_var',
      '0.num_batches_tracked',
    ]);
    expect(Object.keys(new BatchNorm1d(2, { trackRunningStats: false }).stateDict())).toEqual([
      'weight',
      'bias',
    ]);
  });

  it('prints like PyTorch', () => {
    expect(new BatchNorm1d(4).toString()).toBe(
      'BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
    );
    expect(new BatchNorm2d(8, { momentum: null, affine: false }).toString()).toBe(
      'BatchNorm2d(8, eps=1e-05, momentum=None, affine=False, track_running_stats=True)',
    );
  });

  it('counts training batches, leaves the statistics alone in eval mode and gives them no gradient', () => {
    const bn = new BatchNorm1d(2);
    for (let i = 0; i < 3; i++)
      bn.forward(randn([4, 2], { requiresGrad: true }))
        .sum()
        .backward();
    expect(bn.num_batches_tracked!.item()).toBe(3);
    expect(bn.running_mean!.requiresGrad).toBe(false);
    expect(bn.running_mean!.grad).toBeNull();
    const before = Array.from(bn.running_mean!.dataSync());
    bn.eval().forward(randn([4, 2]));
    expect(Array.from(bn.running_mean!.dataSync())).toEqual(before);
    expect(bn.num_batches_tracked!.item()).toBe(3);
  });

  it('in training normalises each channel to mean 0 and (biased) variance 1', () => {
    const x = randn([16, 3, 5]).mul(4).add(2);
    const y = new BatchNorm1d(3).forward(x);
    const mean = y.mean([0, 2]);
    const variance = y
      .sub(y.mean([0, 2], true))
      .square()
      .mean([0, 2]);
    expectClose(mean.dataSync(), [0, 0, 0], 1e-5, 'per-channel mean');
    expectClose(
      variance.dataSync(),
      [1, 1, 1],
      1e-3,
      'per-channel variance (ε = 1e-5 keeps it just below 1)',
    );
  });

  it('keeps its buffers through tidy (a training loop holds memory flat)', () => {
    const bn = new BatchNorm2d(2);
    for (let i = 0; i < 3; i++) tidy(() => bn.forward(randn([2, 2, 3, 3])));
    expect(bn.running_mean!.isDisposed).toBe(false);
    expect(bn.num_batches_tracked!.item()).toBe(3);
  });

  it('names wrong inputs and options', () => {
    expect(() => new BatchNorm1d(3).forward(randn([2, 3, 4, 5]))).toThrow(
      'BatchNorm1d: expected 2D or 3D input [N, C] or [N, C, L], got 4D input [2,3,4,5]',
    );
    expect(() => new BatchNorm2d(3).forward(randn([2, 3, 4]))).toThrow(
      'BatchNorm2d: expected 4D input [N, C, H, W], got 3D input [2,3,4]',
    );
    expect(() => new BatchNorm1d(3).forward(randn([2, 4]))).toThrow(
      'BatchNorm1d: expected 3 channels (axis 1), got input [2,4]',
    );
    expect(() => new BatchNorm1d(3).forward(randn([1, 3]))).toThrow(
      'batchNorm: expected more than 1 value per channel when training, got input [1,3]',
    );
    expect(() => new BatchNorm1d(3, { momentum: 2 })).toThrow(
      'BatchNorm1d: momentum must be in [0, 1] or null, got 2',
    );
    expect(() => new BatchNorm1d(0)).toThrow(
      'BatchNorm1d: numFeatures must be a positive integer, got 0',
    );
    expect(() => batchNorm(randn([2, 3]), zeros([4]), ones([4]))).toThrow(
      'batchNorm: runningMean should be [3] for input [2,3], got [4]',
    );
  });

  it('normalises a single sample in eval mode with the running statistics', () => {
    const bn = new BatchNorm1d(2).eval();
    const x = randn([1, 2]);
    expectClose(
      bn.forward(x).dataSync(),
      Array.from(x.dataSync()).map((v) => v / Math.sqrt(1 + 1e-5)),
      1e-6,
      'x/√(1 + ε)',
    );
  });
});

describe('LayerNorm', () => {
  it('normalises each sample over the trailing axes, in train and eval alike', () => {
    const ln = new LayerNorm([2, 3]);
    const x = randn([4, 2, 3]).mul(3).add(1);
    const y = ln.forward(x);
    expectClose(y.mean([1, 2]).dataSync(), [0, 0, 0, 0], 1e-5, 'per-sample mean');
    expectClose(ln.eval().forward(x).dataSync(), y.dataSync(), 0, 'eval = train');
    expect(ln.toString()).toBe('LayerNorm((2, 3), eps=1e-05, elementwise_affine=True)');
    expect(Object.keys(new LayerNorm(4, { bias: false }).stateDict())).toEqual(['weight']);
  });

  it('names wrong shapes', () => {
    expect(() => new LayerNorm(5).forward(randn([3, 4]))).toThrow(
      'layerNorm: normalizedShape [5] expects input [*, 5], got [3,4]',
    );
    expect(() => layerNorm(randn([3, 4]), 4, { weight: ones([3]) })).toThrow(
      'layerNorm: weight should be [4], got [3]',
    );
  });
});

describe('GroupNorm', () => {
  it('with one group per channel is instance norm; with one group it is layer norm over [C, *]', () => {
    const x = randn([2, 4, 6]).mul(2).add(-1);
    const instance = groupNorm(x, 4);
    expectClose(
      instance.mean(2).dataSync(),
      new Array(8).fill(0),
      1e-5,
      'per-(sample, channel) mean',
    );
    expectClose(
      groupNorm(x, 1).dataSync(),
      layerNorm(x, [4, 6]).dataSync(),
      1e-6,
      'GroupNorm(1) = LayerNorm([C, L])',
    );
  });

  it('prints like PyTorch and names wrong inputs', () => {
    expect(new GroupNorm(2, 6).toString()).toBe('GroupNorm(2, 6, eps=1e-05, affine=True)');
    expect(() => new GroupNorm(4, 6)).toThrow(
      'GroupNorm: numChannels (6) must be divisible by numGroups (4)',
    );
    expect(() => new GroupNorm(2, 6).forward(randn([2, 4, 3]))).toThrow(
      'GroupNorm: expected input [N, 6, *], got [2,4,3]',
    );
    expect(() => groupNorm(randn([2, 6, 3]), 4)).toThrow(
      'groupNorm: expected the number of channels of input [2,6,3] to be divisible by numGroups=4',
    );
  });
});
