import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { digitsArrays, loadDigits } from '@webgrad/data';

const gz = readFileSync(new URL('../datasets/digits/digits.csv.gz', import.meta.url));
const csvRows = gunzipSync(gz)
  .toString('utf8')
  .trim()
  .split('\n')
  .map((r) => r.split(',').map(Number));

describe('loadDigits', () => {
  it('ships the published digits.csv.gz byte for byte', () => {
    expect(createHash('sha256').update(gz).digest('hex')).toBe(
      '09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22',
    );
  });

  it('returns [1797, 64] float32 images in [0, 1] and [1797] int32 labels', () => {
    const { images, labels, numClasses, imageShape } = loadDigits();
    expect(images.shape).toEqual([1797, 64]);
    expect(images.dtype).toBe('float32');
    expect(labels.shape).toEqual([1797]);
    expect(labels.dtype).toBe('int32');
    expect(numClasses).toBe(10);
    expect(imageShape).toEqual([8, 8]);
    const px = images.dataSync();
    expect(Math.min(...px)).toBe(0);
    expect(Math.max(...px)).toBe(1);
  });

  it('equals the decompressed CSV: every pixel is value/16 and every label matches', () => {
    const { images, labels } = loadDigits();
    const px = images.dataSync();
    const lab = labels.dataSync();
    expect(csvRows.length).toBe(1797);
    let mismatches = 0;
    csvRows.forEach((row, r) => {
      for (let i = 0; i < 64; i++) if (px[r * 64 + i] !== row[i]! / 16) mismatches++;
      if (lab[r] !== row[64]) mismatches++;
    });
    expect(mismatches).toBe(0);
  });

  it('sums to 561718 pixel counts, as the CSV does', () => {
    const { pixels } = digitsArrays();
    const sumCsv = csvRows.reduce((s, row) => s + row.slice(0, 64).reduce((a, b) => a + b, 0), 0);
    const sumShipped = pixels.reduce((a, b) => a + b, 0);
    expect(sumShipped).toBe(sumCsv);
    expect(sumShipped).toBe(561718);
    expect(loadDigits().images.sum().item() * 16).toBeCloseTo(561718, 0);
  });

  it('has scikit-learn’s class counts (178, 182, 177, 183, 181, 182, 181, 179, 174, 180)', () => {
    const counts = new Array(10).fill(0);
    for (const l of loadDigits().labels.dataSync()) counts[l]++;
    expect(counts).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
  });

  it('starts with the first image of the data set, a zero', () => {
    const { pixels, labels } = digitsArrays();
    expect(Array.from(pixels.subarray(0, 8))).toEqual([0, 0, 5, 13, 9, 1, 0, 0]);
    expect(labels[0]).toBe(0);
  });
});
