import { DTypeError } from './errors.js';

/**
 * Element types a tensor can hold.
 *
 * - `float32`: the default for real numbers, on every backend.
 * - `float16`: IEEE half precision. On the CPU the exact reference (computed in
 *   float32, rounded to half after every op); on WebGPU 2 bytes an element,
 *   with `init({ backend: 'webgpu', float16: true })` on an adapter with
 *   `shader-f16`. Host arrays hold it as float32 values (`data()` returns a
 *   Float32Array: JavaScript has no Float16Array in Node 20).
 * - `float64`: CPU only; used by `gradcheck` for exact finite differences.
 * - `int32`: integers (indices, labels, counts).
 * - `bool`: truth values, stored one byte per element.
 */
export type DType = 'float16' | 'float32' | 'float64' | 'int32' | 'bool';

/** Every dtype webgrad knows, in promotion order (a later one wins). */
export const DTYPES: readonly DType[] = ['bool', 'int32', 'float16', 'float32', 'float64'];

/** The typed array that backs a dtype on the CPU. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Maps a dtype to the typed array type that stores it. */
export interface DTypeArrayMap {
  /** float16 values on the host are float32 numbers that half precision holds exactly. */
  float16: Float32Array;
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}

/** Creates a zero-filled typed array for `size` elements of `dtype`. */
export function allocArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float16':
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** Bytes one element of `dtype` takes in storage. */
export function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : dtype === 'bool' ? 1 : dtype === 'float16' ? 2 : 4;
}

/** @internal throws a DTypeError naming `op` unless `dtype` is one webgrad knows. */
export function assertDType(op: string, dtype: unknown): asserts dtype is DType {
  if (!DTYPES.includes(dtype as DType)) throw new DTypeError(op, `unknown dtype '${String(dtype)}' (expected one of ${DTYPES.join(', ')})`);
}

/** True for `float16`, `float32` and `float64`. */
export function isFloatDType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16';
}

/** The dtype a typed array holds (a Float32Array is float32: float16 is never inferred). */
export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

/** The result dtype of combining two dtypes (PyTorch's promotion: bool < int32 < float16 < float32 < float64). */
export function promoteTypes(a: DType, b: DType): DType {
  return DTYPES.indexOf(a) >= DTYPES.indexOf(b) ? a : b;
}
