import { describe, expect, it } from 'vitest';
import {
  Generator,
  manualSeed,
  ones,
  rand,
  randn,
  tensor,
  type Tensor,
} from '@webgrad/core-tensor';
import { Linear } from '@webgrad/nn';
import {
  AlphaDropout,
  Dropout,
  Dropout2d,
  ScaledWeightDropout,
  alphaDropout,
  dropout,
  dropout2d,
} from '@webgrad/regularize';
import { expectClose } from './close-to.js';

const values = (t: Tensor) => Array.from(t.dataSync());
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

describe('dropout (inverted, PyTorch semantics)', () => {
  it('keeps each element with probability 1 − p and scales the kept ones by 1/(1 − p)', () => {
    manualSeed(1);
    const p = 0.3;
    const y = values(dropout(ones([200, 500]), p));
    const kept = y.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / (1 - p))]));
    // 100k Bernoulli(0.7) draws: the kept fraction is within 5 standard deviations (0.0072) of 0.7
    expect(Math.abs(kept.length / y.length - (1 - p))).toBeLessThan(0.0072);
    expect(Math.abs(mean(y) - 1)).toBeLessThan(0.011); // E[output] = input
  });

  it('draws its mask from the Philox stream: keep = (u < 1 − p) for u = rand(shape)', () => {
    const x = randn([4, 6]);
    const y = dropout(x, 0.4, true, { generator: new Generator(99) });
    const u = values(rand([4, 6], { generator: new Generator(99) }));
    const expected = values(x).map((v, i) =>
      u[i]! < 0.6 ? Math.fround(v * Math.fround(1 / 0.6)) : 0,
    );
    expectClose(values(y), expected, 1e-7, 'mask from the stream');
    manualSeed(5);
    const first = values(dropout(x, 0.4));
    manualSeed(5);
    expect(values(dropout(x, 0.4))).toEqual(first);
  });

  it('passes gradients only through kept elements, scaled by 1/(1 − p)', () => {
    const x = randn([3, 7], { requiresGrad: true });
    const y = dropout(x, 0.5, true, { generator: new Generator(3) });
    y.sum().backward();
    const g = values(x.grad!);
    values(y).forEach((v, i) => expect(g[i]).toBe(v === 0 ? 0 : 2));
  });

  it('is the identity in eval mode and for p = 0, and zero for p = 1', () => {
    const x = randn([5, 5]);
    const layer = new Dropout(0.5);
    expect(layer.eval().forward(x)).toBe(x);
    expect(dropout(x, 0)).toBe(x);
    expect(values(dropout(x, 1)).every((v) => v === 0)).toBe(true);
    expect(layer.toString()).toBe('Dropout(p=0.5, inplace=False)');
  });

  it('rejects p outside [0, 1] with PyTorch’s message', () => {
    expect(() => new Dropout(1.5)).toThrow(
      'Dropout: dropout probability has to be between 0 and 1, but got 1.5',
    );
    expect(() => dropout(ones([2]), -0.1)).toThrow(
      'dropout: dropout probability has to be between 0 and 1, but got -0.1',
    );
    expect(() => new Dropout2d(2)).toThrow('Dropout2d: dropout probability');
    expect(() => new AlphaDropout(Number.NaN)).toThrow('AlphaDropout: dropout probability');
    expect(() => new ScaledWeightDropout(-1)).toThrow('ScaledWeightDropout: dropout probability');
  });
});

describe('ScaledWeightDropout (the course’s variant)', () => {
  it('keeps activations unscaled in training and multiplies by q = 1 − p at test time', () => {
    const x = randn([50, 40]);
    const layer = new ScaledWeightDropout(0.25, { generator: new Generator(8) });
    const y = values(layer.forward(x));
    const xs = values(x);
    y.forEach((v, i) => expect(v === 0 || v === xs[i]).toBe(true));
    expectClose(
      values(layer.eval().forward(x)),
      xs.map((v) => v * 0.75),
      1e-6,
      'test-time output q·x',
    );
  });

  it('has the same expectation in both modes: the mean of many training passes approaches q·x', () => {
    const passes = 4000;
    const x = tensor([[1, -2, 3, 0.5]])
      .expand([passes, 4])
      .clone(); // one pass per row, each with its own mask
    const layer = new ScaledWeightDropout(0.4, { generator: new Generator(2) });
    const sum = new Array(4).fill(0);
    values(layer.forward(x)).forEach((v, i) => (sum[i % 4] += v / passes));
    const expected = [0.6, -1.2, 1.8, 0.3];
    // each entry averages 4000 Bernoulli(0.6)·x draws: sd = |x|·√(0.24/4000) ≤ 0.024
    sum.forEach((v, j) => expect(Math.abs(v - expected[j]!)).toBeLessThan(0.1));
  });

  it('scaling the activations by q at test time equals scaling the next layer’s weights by q', () => {
    const x = randn([6, 5]);
    const next = new Linear(5, 3);
    const drop = new ScaledWeightDropout(0.3).eval();
    const viaActivations = next.forward(drop.forward(x));
    const viaWeights = x.matmul(next.weight.mul(0.7).T).add(next.bias!);
    expectClose(values(viaActivations), values(viaWeights), 1e-6, 'W(qx) + b = (qW)x + b');
  });
});

describe('Dropout2d', () => {
  it('zeroes whole channels of [N, C, H, W] and scales the others by 1/(1 − p)', () => {
    const x = ones([8, 16, 3, 3]);
    const y = dropout2d(x, 0.5, true, {
      generator: new Generator(4),
    }).arraySync() as number[][][][];
    let dropped = 0;
    for (const sample of y) {
      for (const channel of sample) {
        const flat = channel.flat();
        expect(new Set(flat).size).toBe(1); // the whole map shares one fate
        expect([0, 2]).toContain(flat[0]);
        if (flat[0] === 0) dropped++;
      }
    }
    expect(dropped).toBeGreaterThan(32);
    expect(dropped).toBeLessThan(96);
  });

  it('treats [C, H, W] as one unbatched sample and rejects other ranks', () => {
    const y = dropout2d(ones([6, 2, 2]), 0.5, true, {
      generator: new Generator(1),
    }).arraySync() as number[][][];
    for (const channel of y) expect(new Set(channel.flat()).size).toBe(1);
    expect(() => dropout2d(ones([4, 4]), 0.5)).toThrow(
      'dropout2d: expected [N, C, H, W] or [C, H, W] input, got [4,4]',
    );
    expect(
      new Dropout2d(0.2)
        .eval()
        .forward(ones([1, 2, 2, 2]))
        .sum()
        .item(),
    ).toBe(8);
  });
});

describe('AlphaDropout', () => {
  it('keeps zero mean and unit variance of standard normal input', () => {
    const x = randn([100_000], { generator: new Generator(10) });
    const y = values(alphaDropout(x, 0.2, true, { generator: new Generator(11) }));
    const m = mean(y);
    const v = mean(y.map((t) => (t - m) ** 2));
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(Math.abs(v - 1)).toBeLessThan(0.03);
  });

  it('sends dropped units to a·(−α′) + b and kept ones to a·x + b', () => {
    const p = 0.5;
    const alpha = 1.7580993408473766;
    const a = 1 / Math.sqrt((alpha * alpha * p + 1) * (1 - p));
    const b = alpha * a * p;
    const x = randn([1000]);
    const xs = values(x);
    const y = values(new AlphaDropout(p, { generator: new Generator(6) }).forward(x));
    let dropped = 0;
    y.forEach((v, i) => {
      const isDropped =
        Math.abs(v - (-alpha * a + b)) < 1e-5 && Math.abs(v - (a * xs[i]! + b)) > 1e-5;
      if (isDropped) dropped++;
      else expect(v).toBeCloseTo(a * xs[i]! + b, 5);
    });
    expect(dropped).toBeGreaterThan(400);
    expect(dropped).toBeLessThan(600);
  });
});
