import type { Backend, BackendInfo, KernelTensor, Storage } from '../backend.js';
import { allocArray, type DType, type TypedArray } from '../dtype.js';
import { registerBackend } from '../engine.js';
import { sizeOf, type Shape } from '../shape.js';

/** CPU storage: a typed array of the tensor's dtype. */
export class CpuStorage implements Storage {
  /** Creates storage around `data` (not copied). */
  constructor(readonly data: TypedArray) {}
  /** Bytes of the typed array. */
  get byteLength(): number {
    return this.data.byteLength;
  }
}

/** The exact reference backend: pure TypeScript on typed arrays, always available. */
export const cpuBackend: Backend = {
  name: 'cpu',
  upload(values: TypedArray, dtype: DType): Storage {
    const out = allocArray(dtype, values.length);
    out.set(values);
    return new CpuStorage(out);
  },
  read(storage: Storage, dtype: DType, size: number): Promise<TypedArray> {
    return Promise.resolve(this.readSync(storage, dtype, size));
  },
  readSync(storage: Storage): TypedArray {
    return (storage as CpuStorage).data.slice();
  },
  release(): void {
    // typed arrays are reclaimed by the garbage collector
  },
  info(): BackendInfo {
    return { name: 'cpu', device: 'TypeScript kernels on typed arrays', details: {} };
  },
  sync(): Promise<void> {
    return Promise.resolve();
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
  const data = allocArray(dtype, sizeOf(shape));
  return { out: cpuOutput(data, shape, dtype), data };
}
