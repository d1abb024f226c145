import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/webgpu/buffer-pool.js';

describe('buffer pool buckets', () => {
  it('round small sizes up to 16 bytes and larger ones to quarter steps between powers of two', () => {
    expect(BufferPool.bucketSize(0)).toBe(16);
    expect(BufferPool.bucketSize(17)).toBe(32);
    expect(BufferPool.bucketSize(1000)).toBe(1008);
    expect(BufferPool.bucketSize(1025)).toBe(1280);
    expect(BufferPool.bucketSize(2048)).toBe(2048);
    expect(BufferPool.bucketSize(2049)).toBe(2560);
    expect(BufferPool.bucketSize(7 * 2 ** 20 + 1)).toBe(8 * 2 ** 20);
  });

  it('waste at most a quarter of the request, and never give less than asked', () => {
    for (let bytes = 1; bytes < 5e7; bytes = Math.ceil(bytes * 1.37) + 3) {
      const b = BufferPool.bucketSize(bytes);
      expect(b).toBeGreaterThanOrEqual(bytes);
      expect(b).toBeLessThanOrEqual(Math.max(16, bytes * 1.25 + 16));
    }
  });
});
