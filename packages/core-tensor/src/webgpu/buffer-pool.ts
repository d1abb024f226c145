/**
 * Storage buffers bucketed by size and reused: a freed buffer goes back to
 * the free list of its bucket, and the next request of that bucket takes it
 * instead of creating a new one. Buckets are quarter steps between powers of
 * two (…, 1024, 1280, 1536, 1792, 2048, …), so at most a quarter is wasted.
 *
 * Reusing a buffer that commands still queued on the GPU read is safe because
 * the queue runs commands in order: the new writes are recorded after the old
 * reads. Only `queue.writeBuffer` jumps ahead of recorded-but-unsubmitted
 * commands, which the backend handles by flushing first.
 */
export class BufferPool {
  /** Called after a buffer is destroyed (bind groups naming it must go). */
  onDestroy: (() => void) | null = null;
  private readonly free = new Map<number, GPUBuffer[]>();
  private deferred: GPUBuffer[] = [];
  private freeBytesValue = 0;
  private allocatedBytesValue = 0;
  private buffersValue = 0;

  /**
   * @param device - the device buffers are created on.
   * @param usage - the usage flags of every buffer in this pool.
   * @param maxFreeBytes - freed buffers beyond this many bytes are destroyed, not kept.
   * @param maxBufferBytes - no buffer is made larger than this (a device limit), even when its bucket is.
   */
  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags,
    private readonly maxFreeBytes: number,
    private readonly maxBufferBytes = Infinity,
  ) {}

  /** The bucket size a request of `bytes` is served from. */
  static bucketSize(bytes: number): number {
    const b = Math.max(16, bytes);
    if (b <= 1024) return Math.ceil(b / 16) * 16;
    const p = 2 ** Math.floor(Math.log2(b));
    const quarter = p / 4;
    return Math.ceil(b / quarter) * quarter;
  }

  /** A buffer of at least `bytes` bytes (from the free list when one is there). */
  acquire(bytes: number): GPUBuffer {
    const size = Math.min(BufferPool.bucketSize(bytes), Math.max(bytes, this.maxBufferBytes));
    const list = this.free.get(size);
    if (list !== undefined && list.length > 0) {
      this.freeBytesValue -= size;
      return list.pop()!;
    }
    const buffer = this.device.createBuffer({ size, usage: this.usage });
    this.allocatedBytesValue += size;
    this.buffersValue++;
    return buffer;
  }

  /**
   * Returns a buffer from `acquire` to its bucket (or destroys it when the pool is full).
   * A buffer that recorded but not yet submitted commands still use (`pending`) is not
   * destroyed at once — WebGPU rejects a submit naming a destroyed buffer — but when
   * `destroyDeferred` runs, which the backend calls right after each submit.
   */
  releaseBuffer(buffer: GPUBuffer, pending = false): void {
    const size = buffer.size;
    if (this.freeBytesValue + size > this.maxFreeBytes) {
      if (pending) this.deferred.push(buffer);
      else this.destroy(buffer);
      return;
    }
    let list = this.free.get(size);
    if (list === undefined) this.free.set(size, (list = []));
    list.push(buffer);
    this.freeBytesValue += size;
  }

  /** Destroys the buffers `releaseBuffer` kept because pending commands used them (call after submitting those). */
  destroyDeferred(): void {
    const list = this.deferred;
    this.deferred = [];
    for (const b of list) this.destroy(b);
  }

  /** Destroys every free buffer (live buffers are untouched). */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) this.destroy(b);
    this.free.clear();
    this.freeBytesValue = 0;
  }

  /** Bytes held by buffers waiting in free lists. */
  get freeBytes(): number {
    return this.freeBytesValue;
  }

  /** Bytes of every buffer this pool created and has not destroyed (live + free). */
  get allocatedBytes(): number {
    return this.allocatedBytesValue;
  }

  /** Number of buffers this pool created and has not destroyed. */
  get bufferCount(): number {
    return this.buffersValue;
  }

  private destroy(buffer: GPUBuffer): void {
    this.allocatedBytesValue -= buffer.size;
    this.buffersValue--;
    buffer.destroy();
    this.onDestroy?.();
  }
}
