import { describe, expect, it } from 'vitest';
import { arange, tensor } from '@webgrad/core-tensor';
import { DataLoader, batches, epochOrder, numBatches } from '@webgrad/data';

const n = 10;
const x = arange(0, 2 * n).reshape([n, 2]); // row i = [2i, 2i+1]
const y = arange(0, n, 1, { dtype: 'int32' });

const rows = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

describe('batches', () => {
  it('gathers rows of x and y in the same order, batchSize at a time', () => {
    const out = [...batches(x, y, { batchSize: 4 })];
    expect(out.map((b) => b.x.shape)).toEqual([
      [4, 2],
      [4, 2],
      [2, 2],
    ]);
    expect(rows(out[2]!.x)).toEqual([16, 17, 18, 19]);
    expect(rows(out[2]!.y)).toEqual([8, 9]);
    expect(out.map((b) => b.batch)).toEqual([0, 1, 2]);
  });

  it('drops the short last batch with dropLast', () => {
    expect([...batches(x, y, { batchSize: 4, dropLast: true })].length).toBe(2);
    expect(numBatches(10, 4, true)).toBe(2);
    expect(numBatches(10, 4)).toBe(3);
  });

  it('shuffles reproducibly: each epoch a seeded permutation, every item once', () => {
    const e0 = [...batches(x, y, { batchSize: 3, shuffle: true, seed: 4, epoch: 0 })].flatMap((b) =>
      rows(b.y),
    );
    const again = [...batches(x, y, { batchSize: 3, shuffle: true, seed: 4, epoch: 0 })].flatMap(
      (b) => rows(b.y),
    );
    const e1 = [...batches(x, y, { batchSize: 3, shuffle: true, seed: 4, epoch: 1 })].flatMap((b) =>
      rows(b.y),
    );
    expect(e0).toEqual(again);
    expect(e0).not.toEqual(e1);
    expect([...e0].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(e0).toEqual(Array.from(epochOrder(n, { shuffle: true, seed: 4, epoch: 0 })));
  });

  it('resumes mid-epoch with exactly the batches that were to come', () => {
    const full = [...batches(x, y, { batchSize: 3, shuffle: true, seed: 9, epoch: 2 })];
    const resumed = [
      ...batches(x, y, { batchSize: 3, shuffle: true, seed: 9, epoch: 2, startBatch: 2 }),
    ];
    expect(resumed.map((b) => rows(b.x))).toEqual(full.slice(2).map((b) => rows(b.x)));
  });

  it('iterates x alone when y is null', () => {
    const out = [...batches(x, null, { batchSize: 5 })];
    expect(out[1]!.y).toBeNull();
    expect(rows(out[1]!.x)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('names the mismatch when x and y disagree on the number of items', () => {
    expect(() => batches(x, tensor([1, 2, 3]), { batchSize: 2 })).toThrow(
      'batches: x and y must have the same number of items along axis 0, got x [10,2] and y [3]',
    );
    expect(() => batches(x, y, { batchSize: 0 })).toThrow(
      'batches: batchSize must be a positive integer, got 0',
    );
    expect(() => batches(x, y, { batchSize: 2, startBatch: 6 })).toThrow(
      'batches: startBatch must be an integer in [0, 5], got 6',
    );
  });
});

describe('DataLoader', () => {
  it('walks epochs and, restored from state(), continues with the same batches', () => {
    const opts = { batchSize: 4, shuffle: true, seed: 3 };
    const reference = new DataLoader(x, y, opts);
    const seen: number[][] = [];
    for (let e = 0; e < 3; e++) for (const b of reference) seen.push(rows(b.y));

    const first = new DataLoader(x, y, opts);
    const got: number[][] = [];
    for (const b of first) got.push(rows(b.y)); // epoch 0
    for (const b of first) {
      got.push(rows(b.y)); // epoch 1, interrupted after its first batch
      break;
    }
    const saved = first.state();
    expect(saved).toEqual({ epoch: 1, batch: 1 });

    const second = new DataLoader(x, y, opts);
    second.loadState(JSON.parse(JSON.stringify(saved)));
    for (const b of second) got.push(rows(b.y)); // rest of epoch 1
    for (const b of second) got.push(rows(b.y)); // epoch 2
    expect(got).toEqual(seen);
    expect(second.state()).toEqual({ epoch: 3, batch: 0 });
  });

  it('rejects a position outside the epoch', () => {
    const loader = new DataLoader(x, y, { batchSize: 4 });
    expect(() => loader.loadState({ epoch: 0, batch: 4 })).toThrow(
      'DataLoader.loadState: need a non-negative integer epoch and batch in [0, 3]',
    );
  });
});
