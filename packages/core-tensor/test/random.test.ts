import { describe, expect, it } from 'vitest';
import {
  rand, randn, randint, uniform, normal, bernoulli, randperm, manualSeed, Generator, defaultGenerator, philox4x32, mulhi32,
  wordToUniform, philoxUniformFill, mean, variance, tensor, ArgumentError,
} from '@webgrad/core-tensor';

const hex = (words: Uint32Array): string[] => Array.from(words, (w) => w.toString(16).padStart(8, '0'));

describe('Philox4x32-10 reproduces the Random123 known-answer vectors (tests/kat_vectors)', () => {
  // counter (4 words), key (2 words) → expected (4 words)
  const kat: [number[], number[], string[]][] = [
    [[0, 0, 0, 0], [0, 0], ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']],
    [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], ['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']],
    [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], ['d16cfe09', '94fdcceb', '5001e420', '24126ea1']],
  ];
  it.each(kat)('ctr %j key %j', (ctr, key, expected) => {
    const out = new Uint32Array(4);
    philox4x32(ctr[0]!, ctr[1]!, ctr[2]!, ctr[3]!, key[0]!, key[1]!, out);
    expect(hex(out)).toEqual(expected);
  });

  it('mulhi32 is the high word of the exact 64-bit product', () => {
    for (const [a, b] of [[0xd2511f53, 0xffffffff], [0xcd9e8d57, 0x12345678], [1, 1], [0xffffffff, 0xffffffff]] as const) {
      expect(mulhi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
    }
  });

  it('rand draws element i from word i mod 4 of block offset + ⌊i/4⌋ under key (seed_lo, seed_hi)', () => {
    const seed = 2 ** 33 + 5; // exercises the high key word
    const g = new Generator(seed);
    g.take(8); // skip two blocks
    const x = rand([6], { generator: g }).dataSync();
    const w = new Uint32Array(4);
    for (let i = 0; i < 6; i++) {
      philox4x32(2 + Math.floor(i / 4), 0, 0, 0, seed >>> 0, 2, w);
      expect(x[i]).toBe(wordToUniform(w[i % 4]!));
    }
    const fill = new Float64Array(6);
    philoxUniformFill(fill, seed >>> 0, 2, 2);
    expect(Array.from(x)).toEqual(Array.from(fill));
  });
});

describe('seeding', () => {
  it('the same seed gives the same numbers; a different seed different ones', () => {
    manualSeed(42);
    const a = Array.from(randn([100]).dataSync());
    const u = Array.from(rand([5]).dataSync());
    manualSeed(42);
    expect(Array.from(randn([100]).dataSync())).toEqual(a);
    expect(Array.from(rand([5]).dataSync())).toEqual(u);
    manualSeed(43);
    expect(Array.from(randn([100]).dataSync())).not.toEqual(a);
  });

  it('successive draws continue the stream instead of repeating it', () => {
    manualSeed(7);
    const first = Array.from(rand([4]).dataSync());
    const second = Array.from(rand([4]).dataSync());
    expect(second).not.toEqual(first);
  });

  it('generator state can be saved and restored to replay the exact stream', () => {
    const g = new Generator(123);
    rand([10], { generator: g });
    const state = g.getState();
    const a = Array.from(randn([7], { generator: g }).dataSync());
    const b = Array.from(randint(0, 100, [5], { generator: g }).dataSync());
    g.setState(state);
    expect(Array.from(randn([7], { generator: g }).dataSync())).toEqual(a);
    expect(Array.from(randint(0, 100, [5], { generator: g }).dataSync())).toEqual(b);
    expect(state).toEqual({ seed: 123, offset: 3 });
  });

  it('a private generator leaves the default stream untouched', () => {
    manualSeed(9);
    const expected = Array.from(rand([3]).dataSync());
    manualSeed(9);
    rand([50], { generator: new Generator(1) });
    expect(Array.from(rand([3]).dataSync())).toEqual(expected);
  });

  it('refuses bad seeds and states', () => {
    expect(() => manualSeed(-1)).toThrow('manualSeed: seed must be a non-negative safe integer, got -1');
    expect(() => new Generator(1.5)).toThrow(ArgumentError);
    expect(() => defaultGenerator.setState({ seed: 1, offset: -2 })).toThrow('setState: offset must be a non-negative integer, got -2');
  });
});

describe('distributions have the right moments (n = 200 000)', () => {
  const n = 200_000;
  it('uniform [0,1): mean ½, variance 1/12, all values in range', () => {
    manualSeed(11);
    const u = rand([n]);
    expect(mean(u).item()).toBeCloseTo(0.5, 2);
    expect(variance(u).item()).toBeCloseTo(1 / 12, 3);
    const d = u.dataSync();
    expect(Math.min(...d.subarray(0, 50000))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...d.subarray(0, 50000))).toBeLessThan(1);
  });

  it('uniform(low, high) and normal(μ, σ) are affine maps of the standard draws', () => {
    manualSeed(12);
    const u = uniform([n], -2, 6);
    expect(mean(u).item()).toBeCloseTo(2, 1);
    expect(variance(u).item()).toBeCloseTo(64 / 12, 1);
    const z = normal([n], 3, 0.5);
    expect(mean(z).item()).toBeCloseTo(3, 2);
    expect(variance(z).item()).toBeCloseTo(0.25, 2);
  });

  it('normal: mean 0, variance 1, skewness 0, kurtosis 3; both Box–Muller outputs are used', () => {
    manualSeed(13);
    const z = randn([n]);
    const d = z.dataSync();
    let m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    for (const v of d) { m1 += v; m2 += v * v; m3 += v * v * v; m4 += v ** 4; }
    expect(m1 / n).toBeCloseTo(0, 2);
    expect(m2 / n).toBeCloseTo(1, 1);
    expect(Math.abs(m3 / n)).toBeLessThan(0.03);
    expect(Math.abs(m4 / n - 3)).toBeLessThan(0.06);
    // cos and sin halves of each pair are uncorrelated
    let c = 0;
    for (let i = 0; i < n; i += 2) c += d[i]! * d[i + 1]!;
    expect(Math.abs(c / (n / 2))).toBeLessThan(0.02);
  });

  it('randint covers [low, high) uniformly as int32', () => {
    manualSeed(14);
    const r = randint(-2, 3, [50_000]);
    expect(r.dtype).toBe('int32');
    const counts = new Map<number, number>();
    for (const v of r.dataSync()) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    for (const c of counts.values()) expect(Math.abs(c / 50_000 - 0.2)).toBeLessThan(0.01);
    expect(() => randint(3, 3, [1])).toThrow('randint: need integers low < high, got 3 and 3');
  });

  it('bernoulli(p) is 1 with probability p, per element for a tensor of probabilities', () => {
    manualSeed(15);
    expect(mean(bernoulli(0.3, [n])).item()).toBeCloseTo(0.3, 2);
    const b = bernoulli(tensor([0, 1, 0, 1]));
    expect(b.arraySync()).toEqual([0, 1, 0, 1]);
    expect(() => bernoulli(1.5, [2])).toThrow('bernoulli: p must be in [0, 1], got 1.5');
    expect(() => bernoulli(0.5)).toThrow('bernoulli: a shape is needed when p is a number');
  });

  it('randperm is a permutation of 0..n−1, reproducible by seed', () => {
    manualSeed(16);
    const p = Array.from(randperm(20).dataSync());
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    manualSeed(16);
    expect(Array.from(randperm(20).dataSync())).toEqual(p);
  });
});
