/** Bytes below this address are left to the module (its statics and the thread control slots). */
const HEAP_BASE = 65536;
const PAGE = 65536;
const ALIGN = 64;

/**
 * Rounds a request up to its size class: 64-byte steps up to 4 KiB, then
 * eight classes per power of two (at most 12.5% slack), so blocks freed by
 * one training step are reused by the next even when sizes differ slightly.
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 4096) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const step = 2 ** (Math.floor(Math.log2(bytes)) - 3);
  return Math.ceil(bytes / step) * step;
}

/**
 * A block allocator over the kernels' linear memory, for tensor storage and
 * kernel scratch. Freed blocks go to an exact-size-class free list and are
 * handed out again first; new blocks are cut from the top, growing the
 * memory geometrically. Beyond `limitBytes` it refuses (returns -1) and the
 * caller falls back to ordinary typed arrays, so a program that leaks
 * tensors degrades to the garbage-collected path instead of failing.
 */
export class WasmHeap {
  private top = HEAP_BASE;
  private readonly freeLists = new Map<number, number[]>();
  private live = 0;
  private f32View: Float32Array;
  private bufferRef: ArrayBufferLike;

  constructor(
    readonly memory: WebAssembly.Memory,
    readonly limitBytes: number,
  ) {
    this.bufferRef = memory.buffer;
    this.f32View = new Float32Array(this.bufferRef);
  }

  /** A block of at least `bytes` (64-byte aligned), or -1 past the limit. */
  alloc(bytes: number): number {
    const cls = sizeClass(bytes);
    const list = this.freeLists.get(cls);
    if (list !== undefined && list.length > 0) {
      this.live += cls;
      return list.pop()!;
    }
    const ptr = this.top;
    const end = ptr + cls;
    if (end > this.limitBytes) return -1;
    this.grow(end);
    this.top = end;
    this.live += cls;
    return ptr;
  }

  /** Returns a block from `alloc(bytes)`. */
  free(ptr: number, bytes: number): void {
    const cls = sizeClass(bytes);
    this.live -= cls;
    let list = this.freeLists.get(cls);
    if (list === undefined) this.freeLists.set(cls, (list = []));
    list.push(ptr);
  }

  /** A Float32Array over the whole memory as it is now (refreshed after growth). */
  f32(): Float32Array {
    if (this.memory.buffer.byteLength !== this.bufferRef.byteLength) {
      this.bufferRef = this.memory.buffer;
      this.f32View = new Float32Array(this.bufferRef);
    }
    return this.f32View;
  }

  /** `length` floats at byte address `ptr`, as a view that stays valid while the block is held (shared memory never moves). */
  f32At(ptr: number, length: number): Float32Array {
    return new Float32Array(this.f32().buffer, ptr, length);
  }

  /** Bytes held by live blocks. */
  get liveBytes(): number {
    return this.live;
  }

  /** Bytes of linear memory in use or on free lists (the high-water mark). */
  get reservedBytes(): number {
    return this.top;
  }

  private grow(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const want = Math.min(Math.max(Math.ceil(end / PAGE), Math.ceil((have * 1.5) / PAGE)), Math.ceil(this.limitBytes / PAGE));
    this.memory.grow(want - have / PAGE);
  }
}
