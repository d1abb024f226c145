import { describe, expect, it } from 'vitest';
import { ArgumentError, manualSeed, randn, tensor, zeros } from '@webgrad/core-tensor';
import { LearnedPositionalEmbedding, RotaryEmbedding, SinusoidalPositionalEncoding, sinusoidalPositionalEncoding } from '@webgrad/transformer';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((s, v, i) => s + v * b[i]!, 0);

describe('sinusoidal positional encoding', () => {
  it('PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d))', () => {
    const d = 6;
    const pe = sinusoidalPositionalEncoding(40, d).arraySync() as number[][];
    for (const pos of [0, 1, 7, 39]) {
      for (let i = 0; i < d / 2; i++) {
        const angle = pos / 10000 ** ((2 * i) / d);
        expect(pe[pos]![2 * i]).toBeCloseTo(Math.sin(angle), 6);
        expect(pe[pos]![2 * i + 1]).toBeCloseTo(Math.cos(angle), 6);
      }
    }
  });

  it('PE(pos + k) is PE(pos) rotated by k·ω_i in every (2i, 2i+1) plane', () => {
    const d = 8;
    const pe = sinusoidalPositionalEncoding(30, d).arraySync() as number[][];
    const [pos, k] = [5, 11];
    for (let i = 0; i < d / 2; i++) {
      const w = k / 10000 ** ((2 * i) / d);
      const [s, c] = [pe[pos]![2 * i]!, pe[pos]![2 * i + 1]!];
      expect(pe[pos + k]![2 * i]).toBeCloseTo(s * Math.cos(w) + c * Math.sin(w), 5);
      expect(pe[pos + k]![2 * i + 1]).toBeCloseTo(c * Math.cos(w) - s * Math.sin(w), 5);
    }
  });

  it('the module adds rows offset … offset+T−1 to [T, N, d] or [N, T, d] inputs', () => {
    const table = sinusoidalPositionalEncoding(16, 4).arraySync() as number[][];
    const seqFirst = new SinusoidalPositionalEncoding(4, { maxLen: 16, dropout: 0 });
    const y = seqFirst.forward(zeros([3, 2, 4]), 5).arraySync() as number[][][];
    for (let t = 0; t < 3; t++) for (let n = 0; n < 2; n++) expect(y[t]![n]).toEqual(table[5 + t]);
    const batchFirst = new SinusoidalPositionalEncoding(4, { maxLen: 16, dropout: 0, batchFirst: true });
    const z = batchFirst.forward(zeros([2, 3, 4])).arraySync() as number[][][];
    for (let n = 0; n < 2; n++) for (let t = 0; t < 3; t++) expect(z[n]![t]).toEqual(table[t]);
    expect(Object.keys(seqFirst.stateDict())).toEqual([]); // the table is a non-persistent buffer
    expect(() => seqFirst.forward(zeros([3, 2, 4]), 14)).toThrow(/positions 14…16 exceed the table of maxLen 16/);
  });
});

describe('learned positional embedding', () => {
  it('adds its rows and trains only the rows used', () => {
    manualSeed(1);
    const pos = new LearnedPositionalEmbedding(10, 3, { batchFirst: true });
    const rows = pos.weight.arraySync() as number[][];
    const y = pos.forward(zeros([2, 4, 3]), 2);
    expect((y.arraySync() as number[][][])[1]![3]).toEqual(rows[5]);
    y.sum().backward();
    const g = pos.weight.grad!.arraySync() as number[][];
    expect(g.map((r) => r[0])).toEqual([0, 0, 2, 2, 2, 2, 0, 0, 0, 0]);
    expect(() => pos.forward(zeros([1, 11, 3]))).toThrow(ArgumentError);
  });
});

describe('rotary position embedding (RoPE)', () => {
  it('rotates each pair (2i, 2i+1) at position m by m·θ_i, θ_i = 10000^(−2i/d): (x₁ + i·x₂)·e^{i·m·θ}', () => {
    manualSeed(2);
    const d = 8;
    const x = randn([5, d]);
    const y = new RotaryEmbedding(d).rotate(x, 3).arraySync() as number[][];
    const xs = x.arraySync() as number[][];
    for (let t = 0; t < 5; t++) {
      for (let i = 0; i < d / 2; i++) {
        const a = (3 + t) * 10000 ** (-(2 * i) / d);
        const [re, im] = [xs[t]![2 * i]!, xs[t]![2 * i + 1]!];
        expect(y[t]![2 * i]).toBeCloseTo(re * Math.cos(a) - im * Math.sin(a), 5);
        expect(y[t]![2 * i + 1]).toBeCloseTo(re * Math.sin(a) + im * Math.cos(a), 5);
      }
    }
  });

  it('scores depend only on the distance: ⟨R_m q, R_n k⟩ = ⟨R_{m+s} q, R_{n+s} k⟩, and norms are kept', () => {
    manualSeed(3);
    for (const interleaved of [true, false]) {
      const rope = new RotaryEmbedding(16, { interleaved });
      const q = randn([1, 16]);
      const k = randn([1, 16]);
      const score = (m: number, n: number): number => dot(rope.rotate(q, m).dataSync(), rope.rotate(k, n).dataSync());
      expect(score(7, 3)).toBeCloseTo(score(107, 103), 3);
      expect(score(0, 5)).toBeCloseTo(score(20, 25), 3);
      expect(dot(rope.rotate(q, 42).dataSync(), rope.rotate(q, 42).dataSync())).toBeCloseTo(dot(q.dataSync(), q.dataSync()), 4);
    }
  });

  it('the half-split variant is the interleaved one on permuted features; partial rotary passes the rest through', () => {
    manualSeed(4);
    const x = randn([3, 6]).arraySync() as number[][];
    const toHalf = (r: number[]): number[] => [r[0]!, r[2]!, r[4]!, r[1]!, r[3]!, r[5]!]; // (2i, 2i+1) → (i, i + 3)
    const inter = new RotaryEmbedding(6).rotate(tensor(x), 2).arraySync() as number[][];
    const half = new RotaryEmbedding(6, { interleaved: false }).rotate(tensor(x.map(toHalf)), 2).arraySync() as number[][];
    for (let t = 0; t < 3; t++) toHalf(inter[t]!).forEach((v, j) => expect(half[t]![j]).toBeCloseTo(v, 6));
    const partial = new RotaryEmbedding(4).rotate(tensor(x), 2).arraySync() as number[][];
    const first4 = new RotaryEmbedding(4).rotate(tensor(x.map((r) => r.slice(0, 4))), 2).arraySync() as number[][];
    for (let t = 0; t < 3; t++) expect(partial[t]).toEqual([...first4[t]!, x[t]![4], x[t]![5]]);
    expect(() => new RotaryEmbedding(5)).toThrow(/dim must be a positive even integer, got 5/);
  });
});
