import type { KernelTensor } from '../backend.js';
import { CpuStorage, cpuAllocUninit } from '../cpu/cpu-backend.js';
import type { Shape } from '../shape.js';
import type { WasmRuntime } from './wasm-runtime.js';

/**
 * The byte address of a float32 kernel input in the kernels' memory: its own
 * storage when it lives there, else a scratch copy (released with the arena).
 */
export function inputPtr(rt: WasmRuntime, t: KernelTensor): number {
  const s = t.storage as CpuStorage;
  if (s.wasmPtr >= 0) return s.wasmPtr;
  return rt.arena.put(s.data as Float32Array);
}

/** A float32 kernel output: written in place when its storage is in the kernels' memory, else through scratch. */
export interface WasmOutput {
  /** The output as the kernel returns it. */
  readonly out: KernelTensor;
  /** Where the kernel writes. */
  readonly ptr: number;
  /** Copies scratch to the storage when needed (call after the kernel ran). */
  finish(): void;
}

/** Allocates a float32 output of `shape` (elements not zeroed: the kernel writes every one). */
export function outputFor(rt: WasmRuntime, shape: Shape, size: number): WasmOutput {
  const { out, storage } = cpuAllocUninit(shape, 'float32');
  if (storage.wasmPtr >= 0) return { out, ptr: storage.wasmPtr, finish: () => undefined };
  const ptr = rt.arena.reserve(size);
  return { out, ptr, finish: () => (storage.data as Float32Array).set(rt.heap.f32().subarray(ptr >> 2, (ptr >> 2) + size)) };
}
