import { describe, expect, it } from 'vitest';
import { concat, randn, zeros } from '@webgrad/core-tensor';
import { BufferPool } from '../../src/webgpu/buffer-pool.js';
import { acquireWebgpu, describeOnWebgpu } from '../conformance/webgpu-under-test.js';

// A full pool destroys a released buffer — but not one that recorded,
// unsubmitted commands still use: WebGPU would reject the submit ("buffer used
// in submit while destroyed"). Such buffers are destroyed after the submit.

interface FakeBuffer {
  size: number;
  destroyed: boolean;
  destroy(): void;
}

function fakeDevice(): GPUDevice {
  return {
    createBuffer: ({ size }: { size: number }): FakeBuffer => ({
      size,
      destroyed: false,
      destroy() {
        this.destroyed = true;
      },
    }),
  } as unknown as GPUDevice;
}

describe('buffer pool: buffers still used by pending commands', () => {
  it('are destroyed only by destroyDeferred when the pool is full; others at once', () => {
    const pool = new BufferPool(fakeDevice(), 0, 1024);
    const kept = pool.acquire(1024) as unknown as FakeBuffer;
    const pending = pool.acquire(1024) as unknown as FakeBuffer;
    const idle = pool.acquire(1024) as unknown as FakeBuffer;
    pool.releaseBuffer(kept as unknown as GPUBuffer); // fills the free list (1024 bytes)
    pool.releaseBuffer(pending as unknown as GPUBuffer, true);
    pool.releaseBuffer(idle as unknown as GPUBuffer, false);
    expect([kept.destroyed, pending.destroyed, idle.destroyed]).toEqual([false, false, true]);
    expect(pool.bufferCount).toBe(2);
    pool.destroyDeferred();
    expect(pending.destroyed).toBe(true);
    expect(pool.bufferCount).toBe(1);
    expect(pool.acquire(1024)).toBe(kept); // the free list is untouched
  });
});

const gpu = await acquireWebgpu();

describeOnWebgpu(gpu, 'WebGPU backend with a full buffer pool', () => {
  it('a tensor disposed while a recorded op still reads it does not break the submit', async () => {
    const big = Array.from({ length: 40 }, () => zeros([4 * 1024 * 1024], { backend: 'webgpu' })); // 640 MiB
    for (const t of big) t.dispose(); // the pool keeps 512 MiB; the rest is destroyed
    const x = randn([1024], { backend: 'webgpu' });
    const y = concat([x, x]);
    const want = Array.from(await x.data());
    const x2 = randn([1024], { backend: 'webgpu' });
    const z = concat([x2, x2]);
    x2.dispose(); // recorded but not submitted: its buffer must outlive the submit
    expect((await z.data()).length).toBe(2048);
    expect(Array.from(await y.data()).slice(0, 1024)).toEqual(want);
  });
});
