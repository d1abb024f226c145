import { describe, expect, it } from 'vitest';
import { filterLogits, sampleToken } from '@webgrad/transformer';

const softmax = (z: number[]): number[] => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

describe('sampling', () => {
  it('temperature divides the logits; top-k keeps the k largest (and ties with the k-th)', () => {
    expect(Array.from(filterLogits([2, 4, -2], { temperature: 2 }))).toEqual([1, 2, -1]);
    expect(Array.from(filterLogits([1, 5, 3, 3, 0], { topK: 3 }))).toEqual([-Infinity, 5, 3, 3, -Infinity]);
    expect(Array.from(filterLogits([1, 5, 3, 2, 0], { topK: 2 }))).toEqual([-Infinity, 5, 3, -Infinity, -Infinity]);
  });

  it('top-p keeps the smallest most-likely set whose mass reaches p (the crossing token included)', () => {
    const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)];
    expect(Array.from(filterLogits(logits, { topP: 0.5 })).map(Number.isFinite)).toEqual([true, false, false, false]);
    expect(Array.from(filterLogits(logits, { topP: 0.6 })).map(Number.isFinite)).toEqual([true, true, false, false]);
    expect(Array.from(filterLogits(logits, { topP: 0.9 })).map(Number.isFinite)).toEqual([true, true, true, false]);
    expect(Array.from(filterLogits(logits, { topP: 0.01 })).map(Number.isFinite)).toEqual([true, false, false, false]);
  });

  it('sampleToken is the inverse CDF of softmax(filtered logits): uniform u on a grid reproduces the probabilities', () => {
    const logits = [0.2, -1, 1.5, 0.7];
    const p = softmax(logits);
    const counts = [0, 0, 0, 0];
    const n = 10000;
    for (let i = 0; i < n; i++) counts[sampleToken(logits, (i + 0.5) / n)]!++;
    counts.forEach((c, i) => expect(c / n).toBeCloseTo(p[i]!, 3));
    // with top-k 2 only tokens 2 and 3 remain, renormalised
    const q = softmax([1.5, 0.7]);
    const top = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) top[sampleToken(logits, (i + 0.5) / n, { topK: 2 })]!++;
    expect([top[0], top[1]]).toEqual([0, 0]);
    expect(top[2]! / n).toBeCloseTo(q[0]!, 3);
  });

  it('temperature 0 is greedy; invalid options are errors', () => {
    expect(sampleToken([0.1, 3, 2], 0.99, { temperature: 0 })).toBe(1);
    expect(() => sampleToken([1, 2], 1)).toThrow(/u must be in \[0, 1\), got 1/);
    expect(() => sampleToken([1, 2], 0.5, { topK: 0 })).toThrow(/topK must be a positive integer, got 0/);
    expect(() => sampleToken([1, 2], 0.5, { topP: 1.5 })).toThrow(/topP must be in \(0, 1\], got 1.5/);
    expect(() => sampleToken([1, 2], 0.5, { temperature: -1 })).toThrow(/temperature must be a finite number ≥ 0, got -1/);
  });
});
