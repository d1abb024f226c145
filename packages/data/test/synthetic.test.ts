import { describe, expect, it } from 'vitest';
import {
  DIGIT_SEQ_VOCAB,
  addingProblem,
  copyTask,
  digitSeq2Seq,
  runningSumSign,
  swissRoll,
  twoMoons,
} from '@webgrad/data';

const arr = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

describe('addingProblem', () => {
  it('marks one step in each half and targets the sum of the two marked values', () => {
    const { inputs, targets } = addingProblem({ numSequences: 50, seqLen: 10, seed: 1 });
    expect(inputs.shape).toEqual([50, 10, 2]);
    expect(targets.shape).toEqual([50, 1]);
    const x = inputs.arraySync() as number[][][];
    const y = arr(targets);
    x.forEach((seq, i) => {
      const marked = seq.flatMap(([, m], t) => (m === 1 ? [t] : []));
      expect(marked.length).toBe(2);
      expect(marked[0]!).toBeLessThan(5);
      expect(marked[1]!).toBeGreaterThanOrEqual(5);
      expect(y[i]).toBeCloseTo(seq[marked[0]!]![0]! + seq[marked[1]!]![0]!, 6);
      for (const [v] of seq) expect(v! >= 0 && v! < 1).toBe(true);
    });
  });

  it('is a pure function of the seed', () => {
    const a = addingProblem({ numSequences: 4, seqLen: 6, seed: 2 });
    expect(arr(addingProblem({ numSequences: 4, seqLen: 6, seed: 2 }).inputs)).toEqual(
      arr(a.inputs),
    );
    expect(arr(addingProblem({ numSequences: 4, seqLen: 6, seed: 3 }).inputs)).not.toEqual(
      arr(a.inputs),
    );
  });
});

describe('copyTask', () => {
  it('shows L symbols, waits, and asks for them back after the delimiter', () => {
    const task = copyTask({ numSequences: 20, length: 3, delay: 5, numSymbols: 4, seed: 0 });
    expect(task.inputs.shape).toEqual([20, 11]);
    expect(task.vocabSize).toBe(6);
    const x = task.inputs.arraySync() as number[][];
    const y = task.targets.arraySync() as number[][];
    x.forEach((row, i) => {
      const symbols = row.slice(0, 3);
      for (const s of symbols) expect(s >= 1 && s <= 4).toBe(true);
      expect(row.slice(3)).toEqual([0, 0, 0, 0, task.delimiter, 0, 0, 0]);
      expect(y[i]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, ...symbols]);
    });
  });
});

describe('digitSeq2Seq', () => {
  it.each(['reverse', 'sort'] as const)(
    'pairs each digit string with its %s, framed by BOS/EOS and padded',
    (task) => {
      const { source, target, sourceLengths, targetLengths } = digitSeq2Seq({
        numSequences: 30,
        task,
        minLength: 2,
        maxLength: 6,
        seed: 4,
      });
      expect(source.shape).toEqual([30, 7]);
      expect(target.shape).toEqual([30, 8]);
      const src = source.arraySync() as number[][];
      const tgt = target.arraySync() as number[][];
      const { pad, bos, eos } = DIGIT_SEQ_VOCAB;
      src.forEach((row, i) => {
        const len = arr(sourceLengths)[i]! - 1;
        expect(len >= 2 && len <= 6).toBe(true);
        const digits = row.slice(0, len);
        expect(row.slice(len)).toEqual([eos, ...new Array(6 - len).fill(pad)]);
        const expected =
          task === 'reverse' ? [...digits].reverse() : [...digits].sort((a, b) => a - b);
        expect(tgt[i]).toEqual([bos, ...expected, eos, ...new Array(6 - len).fill(pad)]);
        expect(arr(targetLengths)[i]).toBe(len + 2);
      });
    },
  );

  it('names a bad task', () => {
    expect(() => digitSeq2Seq({ numSequences: 1, task: 'shuffle' as never })).toThrow(
      "digitSeq2Seq: task must be 'reverse' or 'sort', got shuffle",
    );
  });
});

describe('runningSumSign', () => {
  it('labels each step with whether the sum so far is positive', () => {
    const { inputs, targets, finalTargets } = runningSumSign({
      numSequences: 16,
      seqLen: 12,
      seed: 5,
    });
    expect(inputs.shape).toEqual([16, 12, 1]);
    const x = arr(inputs);
    const y = arr(targets);
    for (let i = 0; i < 16; i++) {
      let s = 0;
      for (let t = 0; t < 12; t++) {
        s += x[i * 12 + t]!;
        expect(y[i * 12 + t]).toBe(s > 0 ? 1 : 0);
      }
      expect(arr(finalTargets)[i]).toBe(y[i * 12 + 11]);
    }
  });
});

describe('twoMoons', () => {
  it('puts the upper moon on the unit circle and the lower on the shifted one, half each', () => {
    const { points, labels } = twoMoons({ numSamples: 101, seed: 0 });
    const p = points.arraySync() as number[][];
    const l = arr(labels);
    expect(l.filter((v) => v === 0).length).toBe(50);
    p.forEach(([px, py], i) => {
      const [cx, cy] = l[i] === 0 ? [0, 0] : [1, 0.5];
      expect(Math.hypot(px! - cx, py! - cy)).toBeCloseTo(1, 5);
      expect(l[i] === 0 ? py! >= -1e-6 : py! <= 0.5 + 1e-6).toBe(true);
    });
  });

  it('adds noise of the requested standard deviation, reproducibly', () => {
    const clean = arr(twoMoons({ numSamples: 2000, seed: 1 }).points);
    const noisy = arr(twoMoons({ numSamples: 2000, noise: 0.2, seed: 1 }).points);
    const d = noisy.map((v, i) => v - clean[i]!);
    const sd = Math.sqrt(d.reduce((s, v) => s + v * v, 0) / d.length);
    expect(sd).toBeGreaterThan(0.19);
    expect(sd).toBeLessThan(0.21);
    expect(arr(twoMoons({ numSamples: 2000, noise: 0.2, seed: 1 }).points)).toEqual(noisy);
  });
});

describe('swissRoll', () => {
  it('puts each 2-D point at radius t on the spiral, t in [1.5π, 4.5π)', () => {
    const { points, t } = swissRoll({ numSamples: 200, seed: 0 });
    expect(points.shape).toEqual([200, 2]);
    const p = points.arraySync() as number[][];
    arr(t).forEach((ti, i) => {
      expect(ti >= 1.5 * Math.PI && ti < 4.5 * Math.PI).toBe(true);
      expect(p[i]![0]).toBeCloseTo(ti * Math.cos(ti), 4);
      expect(p[i]![1]).toBeCloseTo(ti * Math.sin(ti), 4);
    });
  });

  it('has a height axis 0..21 in 3-D', () => {
    const { points } = swissRoll({ numSamples: 500, dims: 3, seed: 2 });
    const h = (points.arraySync() as number[][]).map((r) => r[1]!);
    expect(Math.min(...h)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...h)).toBeLessThan(21);
    expect(Math.max(...h)).toBeGreaterThan(20);
  });
});
