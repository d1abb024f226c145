import { allocArray, type DType, type TypedArray } from '../dtype.js';

/** Arrays longer than this are left to the garbage collector (a pooled one would pin too much memory). */
const MAX_POOLED_ELEMENTS = 1 << 20;
/** At most this many free arrays of one dtype and length. */
const MAX_PER_LENGTH = 64;
/** At most this many bytes in free arrays in all. */
const MAX_POOLED_BYTES = 64 * 2 ** 20;

/**
 * Typed arrays of released CPU storage, by dtype and exact length, handed
 * out again by the next allocation of that dtype and length. A training
 * step frees the tensors of the step before and allocates the same shapes
 * again, so in steady state small tensors (below the WebAssembly heap's
 * minimum, or every tensor on the TypeScript path, int32 and bool masks)
 * cost neither an allocation nor garbage collection.
 *
 * Safety rests on one rule, kept by `CpuStorage`: only arrays the backend
 * allocated itself come back here, once, when the last handle of the last
 * tensor that shares the storage (views, detached and saved handles share
 * one `DataRef`) has let go. Lengths are exact because kernels take the
 * element count from `data.length`.
 */
export class CpuArrayPool {
  private readonly free: Record<DType, Map<number, TypedArray[]>> = {
    float16: new Map(),
    float32: new Map(),
    float64: new Map(),
    int32: new Map(),
    bool: new Map(),
  };
  private bytes = 0;

  /** A free array of `dtype` and `length` (old contents), or null when none is pooled. */
  take(dtype: DType, length: number): TypedArray | null {
    const list = this.free[dtype].get(length);
    if (list === undefined || list.length === 0) return null;
    const a = list.pop()!;
    this.bytes -= a.byteLength;
    return a;
  }

  /** Keeps `a` for reuse (or drops it when the pool is full); `a` must not be referenced by any live storage. */
  give(dtype: DType, a: TypedArray): void {
    const n = a.length;
    if (n === 0 || n > MAX_POOLED_ELEMENTS || this.bytes + a.byteLength > MAX_POOLED_BYTES) return;
    const lists = this.free[dtype];
    let list = lists.get(n);
    if (list === undefined) lists.set(n, (list = []));
    if (list.length >= MAX_PER_LENGTH) return;
    list.push(a);
    this.bytes += a.byteLength;
  }

  /** Bytes held in free arrays. */
  get pooledBytes(): number {
    return this.bytes;
  }

  /** Drops every free array. */
  clear(): void {
    for (const lists of Object.values(this.free)) lists.clear();
    this.bytes = 0;
  }
}

/** The CPU backend's pool. */
export const cpuArrayPool = new CpuArrayPool();

/** A zeroed (`zeroed`) or uninitialised array of `dtype` and `length`, from the pool when it has one. */
export function pooledArray(dtype: DType, length: number, zeroed: boolean): TypedArray {
  const a = cpuArrayPool.take(dtype, length);
  if (a === null) return allocArray(dtype, length);
  if (zeroed) a.fill(0);
  return a;
}
