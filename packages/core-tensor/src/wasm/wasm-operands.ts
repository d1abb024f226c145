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
  // one call object serves every (non-nested) call: no objects or closures per kernel call
  const call = idleCall !== null && idleCall.rt === rt ? idleCall : new KernelCall(rt);
  idleCall = null;
  try {
    return body(call);
  } catch (e) {
    if (!(e instanceof ScratchExhausted)) throw e;
    for (const s of call.created) s.release();
    return null;
  } finally {
    call.created.length = 0;
    rt.arena.release();
    idleCall = call;
  }
}

class KernelCall implements WasmCall {
  readonly kernels: KernelExports;
  /** Storage of the outputs made by this call, freed if it gives up. */
  readonly created: CpuStorage[] = [];

  constructor(readonly rt: WasmRuntime) {
    this.kernels = rt.kernels;
  }

  input(t: KernelTensor): number {
    const s = t.storage as CpuStorage;
    return s.wasmPtr >= 0 ? s.wasmPtr : this.rt.arena.put(s.data as Float32Array);
  }

  output(shape: Shape, size: number): WasmOutput {
    const { out, storage } = cpuAllocUninit(shape, 'float32');
    this.created.push(storage);
    if (storage.wasmPtr >= 0) return new ResidentOutput(out, storage.wasmPtr);
    return new ScratchOutput(out, this.rt.arena.reserve(size), storage.data as Float32Array, this.rt);
  }

  reserve(floats: number): number {
    return this.rt.arena.reserve(floats);
  }
}

/** The call object not in use (null while a call runs, so a nested call makes its own). */
let idleCall: KernelCall | null = null;

/** An output whose storage is in the kernels' memory: the kernel writes it in place. */
class ResidentOutput implements WasmOutput {
  constructor(
    readonly out: KernelTensor,
    readonly ptr: number,
  ) {}
  finish(): void {}
}

/** An output in an ordinary typed array: the kernel writes scratch, copied over by `finish`. */
class ScratchOutput implements WasmOutput {
  constructor(
    readonly out: KernelTensor,
    readonly ptr: number,
    private readonly data: Float32Array,
    private readonly rt: WasmRuntime,
  ) {}
  finish(): void {
    this.data.set(this.rt.heap.f32().subarray(this.ptr >> 2, (this.ptr >> 2) + this.data.length));
  }
}
