import { activeCpuPath } from './cpu-config.js';
import { getWasmRuntime } from './wasm-runtime.js';

/** Smaller tensors stay in ordinary typed arrays: nothing to gain, and the heap stays for real work. */
export const RESIDENT_MIN_FLOATS = 64;

/**
 * float32 storage allocated inside the kernels' linear memory, so the
 * WebAssembly kernels read and write tensors in place (no copy in, no copy
 * out). Only with shared memory: a shared memory never moves when it grows,
 * so the Float32Array views handed out stay valid. Returns null where
 * storage should be an ordinary typed array: TypeScript path, unshared
 * memory, a small tensor, or the heap at its limit.
 */
export function allocResidentF32(size: number): { data: Float32Array; ptr: number } | null {
  if (size < RESIDENT_MIN_FLOATS) return null;
  if (activeCpuPath().path !== 'wasm-simd') return null;
  const rt = getWasmRuntime();
  if (rt === null || !rt.compiled.shared) return null;
  const ptr = rt.heap.alloc(size * 4);
  if (ptr < 0) return null;
  return { data: rt.heap.f32At(ptr, size), ptr };
}

/** Gives storage from `allocResidentF32` back. */
export function freeResident(ptr: number, size: number): void {
  getWasmRuntime()!.heap.free(ptr, size * 4);
}
