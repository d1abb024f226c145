import type { Backend, BackendInfo, KernelTensor, Storage } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { registerBackend } from '../engine.js';
import { roundArrayToFloat16 } from '../float16.js';
import { sizeOf, type Shape } from '../shape.js';
import { cpuStatus } from '../wasm/cpu-config.js';
import { allocResidentF32, freeResident } from '../wasm/wasm-storage.js';
import { cpuArrayPool, pooledArray } from './cpu-array-pool.js';

/**
 * CPU storage: a typed array of the tensor's dtype. float32 storage may live
 * in the WebAssembly kernels' memory (`wasmPtr` ≥ 0), where those kernels
 * use it in place; the typed array is then a view that is valid until the
 * storage is released.
 */
export class CpuStorage implements Storage {
  /** Bytes of the typed array. */
  readonly byteLength: number;
  private released = false;
  /**
   * Creates storage around `data` (not copied); `wasmPtr` is its address in
   * the kernels' memory, or -1. `pooledAs` is set only for arrays the backend
   * allocated itself: they go back to the array pool on release (arrays that
   * came from elsewhere may still be referenced there).
   */
  constructor(
    readonly data: TypedArray,
    readonly wasmPtr = -1,
    private readonly pooledAs: DType | null = null,
  ) {
    this.byteLength = data.byteLength;
  }
  /** @internal gives the memory back (once): a block of the kernels' memory to the heap, a pooled array to the pool. */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.wasmPtr >= 0) freeResident(this.wasmPtr, this.data.length);
    else if (this.pooledAs !== null) cpuArrayPool.give(this.pooledAs, this.data);
  }
}

/** The exact reference backend: pure TypeScript on typed arrays, always available. */
export const cpuBackend: Backend = {
  name: 'cpu',
  upload(values: TypedArray, dtype: DType): Storage {
    const storage = newCpuStorage(dtype, values.length, false);
    storage.data.set(values);
    if (dtype === 'float16') roundArrayToFloat16(storage.data as Float32Array);
    return storage;
  },
  read(storage: Storage, dtype: DType, size: number): Promise<TypedArray> {
    return Promise.resolve(this.readSync(storage, dtype, size));
  },
  readSync(storage: Storage): TypedArray {
    return (storage as CpuStorage).data.slice();
  },
  release(storage: Storage): void {
    // blocks of the kernels' memory go back to the heap, arrays the backend allocated to the array pool
    (storage as CpuStorage).release();
  },
  info(): BackendInfo {
    const s = cpuStatus();
    const device = s.path === 'wasm-simd' ? `WebAssembly SIMD kernels (${s.threads} thread${s.threads > 1 ? 's' : ''}) with TypeScript kernels for the rest` : 'TypeScript kernels on typed arrays';
    return { name: 'cpu', device, details: { cpuPath: s.path, threads: s.threads, readyHelpers: s.readyHelpers, cpuPathReason: s.reason } };
  },
  sync(): Promise<void> {
    return Promise.resolve();
  },
  runFloat16(_op: string, run: (inputs?: readonly KernelTensor[]) => KernelTensor[], inputs: readonly KernelTensor[], halfOutputs: boolean): KernelTensor[] {
    const outs = run();
    if (!halfOutputs) return outs;
    // computed in float32, stored rounded to half (PyTorch's CPU half ops)
    return outs.map((o) => {
      if (o.dtype !== 'float32') return o;
      // an output that is an input's storage is copied, never rounded in place or owned twice
      const aliased = inputs.some((t) => t.storage === o.storage);
      const data = aliased ? Float32Array.from(cpuData(o)) : (cpuData(o) as Float32Array);
      roundArrayToFloat16(data);
      return { storage: aliased ? new CpuStorage(data) : o.storage, shape: o.shape, dtype: 'float16' };
    });
  },
};

registerBackend(cpuBackend, 0);

/** The typed array behind a CPU kernel input. */
export function cpuData(t: KernelTensor): TypedArray {
  return (t.storage as CpuStorage).data;
}

/** Wraps a typed array as a CPU kernel output. */
export function cpuOutput(data: TypedArray, shape: Shape, dtype: DType): KernelTensor {
  return { storage: new CpuStorage(data), shape, dtype };
}

/** Allocates a zeroed CPU kernel output of `shape` and `dtype`, returning it and its array. */
export function cpuAlloc(shape: Shape, dtype: DType): { out: KernelTensor; data: TypedArray } {
  const storage = newCpuStorage(dtype, sizeOf(shape), true);
  return { out: { storage, shape, dtype }, data: storage.data };
}

/**
 * @internal like `cpuAlloc` but the elements are not zeroed: for kernels that
 * write every element.
 */
export function cpuAllocUninit(shape: Shape, dtype: DType): { out: KernelTensor; storage: CpuStorage } {
  const storage = newCpuStorage(dtype, sizeOf(shape), false);
  return { out: { storage, shape, dtype }, storage };
}

/** Storage for `size` elements: float32 in the kernels' memory where that path is on, else a pooled or new typed array. */
function newCpuStorage(dtype: DType, size: number, zeroed: boolean): CpuStorage {
  if (dtype === 'float32') {
    const r = allocResidentF32(size);
    if (r !== null) {
      // recycled blocks hold old values
      if (zeroed) r.data.fill(0);
      return new CpuStorage(r.data, r.ptr);
    }
  }
  return new CpuStorage(pooledArray(dtype, size, zeroed), -1, dtype);
}
