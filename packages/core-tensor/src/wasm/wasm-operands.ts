import type { KernelTensor } from '../backend.js';
import { CpuStorage, cpuAllocUninit } from '../cpu/cpu-backend.js';
import type { Shape } from '../shape.js';
import type { KernelExports } from './wasm-module.js';
import { getWasmRuntime, type WasmRuntime } from './wasm-runtime.js';

/** Thrown by the arena when the heap is at its limit: the kernel call gives up and the TypeScript kernel runs. */
export class ScratchExhausted extends RangeError {}

/** A float32 kernel output: written in place when its storage is in the kernels' memory, else through scratch. */
export interface WasmOutput {
  /** The output as the kernel returns it. */
  readonly out: KernelTensor;
  /** Where the kernel writes. */
  readonly ptr: number;
  /** Copies scratch to the storage when needed (call after the kernel ran). */
  finish(): void;
}

/** What a kernel call sees: the kernels, and placement of its operands. */
export interface WasmCall {
  /** The runtime (memory, heap, helper threads). */
  readonly rt: WasmRuntime;
  /** The kernels' exports. */
  readonly kernels: KernelExports;
  /** The byte address of a float32 input: its own storage when resident, else a scratch copy. */
  input(t: KernelTensor): number;
  /** A float32 output of `shape` (`size` elements, not zeroed: the kernel writes every one). */
  output(shape: Shape, size: number): WasmOutput;
  /** `floats` elements of scratch for this call. */
  reserve(floats: number): number;
}

/**
 * Runs one WebAssembly kernel call: `body` places inputs, allocates outputs
 * and calls the kernels; scratch goes back to the heap when it returns. If
 * the heap is at its limit (scratch cannot be had), the outputs are freed and
 * the result is null, so the caller runs its TypeScript kernel instead.
 */
export function wasmCall<T>(body: (call: WasmCall) => T): T | null {
  const rt = getWasmRuntime()!;
  const created: CpuStorage[] = [];
  const call: WasmCall = {
    rt,
    kernels: rt.kernels,
    input: (t) => {
      const s = t.storage as CpuStorage;
      return s.wasmPtr >= 0 ? s.wasmPtr : rt.arena.put(s.data as Float32Array);
    },
    output: (shape, size) => {
      const { out, storage } = cpuAllocUninit(shape, 'float32');
      created.push(storage);
      if (storage.wasmPtr >= 0) return { out, ptr: storage.wasmPtr, finish: () => undefined };
      const ptr = rt.arena.reserve(size);
      return { out, ptr, finish: () => (storage.data as Float32Array).set(rt.heap.f32().subarray(ptr >> 2, (ptr >> 2) + size)) };
    },
    reserve: (floats) => rt.arena.reserve(floats),
  };
  try {
    return body(call);
  } catch (e) {
    if (!(e instanceof ScratchExhausted)) throw e;
    for (const s of created) s.release();
    return null;
  } finally {
    rt.arena.release();
  }
}
