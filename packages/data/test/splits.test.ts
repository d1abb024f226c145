import { describe, expect, it } from 'vitest';
import { Generator, randperm } from '@webgrad/core-tensor';
import { seededPermutation, trainTestSplit } from '@webgrad/data';

describe('trainTestSplit', () => {
  it('holds out ⌈fraction·n⌉ items and keeps the rest, disjoint and covering 0..n−1', () => {
    const { train, test } = trainTestSplit(1797, { testFraction: 0.2, seed: 0 });
    expect(test.shape).toEqual([360]);
    expect(train.shape).toEqual([1437]);
    expect(train.dtype).toBe('int32');
    const all = [...train.dataSync(), ...test.dataSync()].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 1797 }, (_, i) => i));
  });

  it('is a pure function of the seed', () => {
    const a = trainTestSplit(100, { testFraction: 0.3, seed: 5 });
    const b = trainTestSplit(100, { testFraction: 0.3, seed: 5 });
    const c = trainTestSplit(100, { testFraction: 0.3, seed: 6 });
    expect(Array.from(a.test.dataSync())).toEqual(Array.from(b.test.dataSync()));
    expect(Array.from(a.test.dataSync())).not.toEqual(Array.from(c.test.dataSync()));
  });

  it('rejects fractions outside (0, 1)', () => {
    expect(() => trainTestSplit(10, { testFraction: 0 })).toThrow(
      'trainTestSplit: testFraction must be in (0, 1), got 0',
    );
    expect(() => trainTestSplit(10, { testFraction: 0.99 })).toThrow('leaves no training items');
  });
});

describe('seededPermutation', () => {
  it('draw k equals the (k+1)-th randperm of new Generator(seed)', () => {
    const g = new Generator(11);
    for (let k = 0; k < 4; k++) {
      const expected = Array.from(randperm(37, { generator: g }).dataSync());
      expect(Array.from(seededPermutation(37, 11, k))).toEqual(expected);
    }
  });
});
