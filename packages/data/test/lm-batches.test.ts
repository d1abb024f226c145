import { describe, expect, it } from 'vitest';
import { lmBatches, lmStreamBatchCount, lmStreamBatches } from '@webgrad/data';

const tokens = Int32Array.from({ length: 101 }, (_, i) => i); // token i has id i, so windows are easy to read

const take = <T>(it: Iterable<T>, k: number): T[] => {
  const out: T[] = [];
  for (const v of it) {
    if (out.length === k) break;
    out.push(v);
  }
  return out;
};

describe('lmBatches', () => {
  it('returns windows whose targets are the inputs shifted by one token', () => {
    const [batch] = take(lmBatches(tokens, { seqLen: 8, batchSize: 5, seed: 2 }), 1);
    expect(batch!.inputs.shape).toEqual([5, 8]);
    expect(batch!.inputs.dtype).toBe('int32');
    const x = batch!.inputs.arraySync() as number[][];
    const y = batch!.targets.arraySync() as number[][];
    for (let b = 0; b < 5; b++) {
      expect(x[b]).toEqual(Array.from({ length: 8 }, (_, t) => x[b]![0]! + t)); // contiguous window
      expect(y[b]).toEqual(x[b]!.map((v) => v + 1));
      expect(x[b]![0]!).toBeGreaterThanOrEqual(0);
      expect(y[b]![7]!).toBeLessThanOrEqual(100);
    }
  });

  it('depends only on (seed, step), so resuming at startStep reproduces the run', () => {
    const run = take(lmBatches(tokens, { seqLen: 4, batchSize: 3, seed: 7 }), 6).map((b) =>
      b.inputs.arraySync(),
    );
    const resumed = [
      ...lmBatches(tokens, { seqLen: 4, batchSize: 3, seed: 7, startStep: 3, steps: 3 }),
    ].map((b) => b.inputs.arraySync());
    expect(resumed).toEqual(run.slice(3));
    const other = take(
      lmBatches(tokens, { seqLen: 4, batchSize: 3, seed: 8 }),
      1,
    )[0]!.inputs.arraySync();
    expect(other).not.toEqual(run[0]);
  });

  it('covers every start offset in the long run (uniform over [0, n − T − 1])', () => {
    const seen = new Set<number>();
    for (const b of lmBatches(tokens, { seqLen: 90, batchSize: 8, seed: 0, steps: 40 }))
      for (const s of b.inputs.dataSync().filter((_, i) => i % 90 === 0)) seen.add(s);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 11 }, (_, i) => i));
  });

  it('names what is too short', () => {
    expect(() => take(lmBatches([1, 2, 3], { seqLen: 3, batchSize: 1 }), 1)).toThrow(
      'lmBatches: need at least seqLen + 1 = 4 tokens, got 3',
    );
  });
});

describe('lmStreamBatches', () => {
  it('cuts B contiguous tracks so row b of batch k+1 continues row b of batch k', () => {
    // 101 tokens, B = 4: tracks of L = ⌊100/4⌋ = 25 starting at 0, 25, 50, 75; T = 5 gives 5 batches
    const all = [...lmStreamBatches(tokens, { seqLen: 5, batchSize: 4 })];
    expect(all.length).toBe(lmStreamBatchCount(101, 5, 4));
    expect(all.length).toBe(5);
    const x0 = all[0]!.inputs.arraySync() as number[][];
    const x1 = all[1]!.inputs.arraySync() as number[][];
    expect(x0.map((r) => r[0])).toEqual([0, 25, 50, 75]);
    expect(x1.map((r) => r[0])).toEqual([5, 30, 55, 80]);
    expect(all[4]!.targets.arraySync()).toEqual([
      [21, 22, 23, 24, 25],
      [46, 47, 48, 49, 50],
      [71, 72, 73, 74, 75],
      [96, 97, 98, 99, 100],
    ]);
    expect(
      [...lmStreamBatches(tokens, { seqLen: 5, batchSize: 4, startStep: 3 })].map((b) => b.step),
    ).toEqual([3, 4]);
  });
});
