import { WasmArena } from './wasm-arena.js';
import { WasmHeap } from './wasm-heap.js';
import { canShareMemory, compileKernels, createKernelMemory, instantiateKernels, type CompiledKernels, type KernelExports } from './wasm-module.js';
import { WasmThreadPool } from './wasm-thread-pool.js';

/** The live WebAssembly side of the CPU backend: module, memory, arena, helper threads. */
export interface WasmRuntime {
  /** The compiled module (shared with helpers). */
  readonly compiled: CompiledKernels;
  /** The kernels' linear memory. */
  readonly memory: WebAssembly.Memory;
  /** The main thread's instance. */
  readonly kernels: KernelExports;
  /** Blocks of the kernels' memory: tensor storage and scratch. */
  readonly heap: WasmHeap;
  /** Scratch space for one kernel call. */
  readonly arena: WasmArena;
  /** Helper threads, when more than one thread is configured and memory can be shared. */
  pool: WasmThreadPool | null;
}

/** The most the kernels' memory grows to; tensors beyond it live in ordinary typed arrays. */
const HEAP_LIMIT_BYTES = 2 ** 31;

let runtime: WasmRuntime | null | undefined;
let failure = '';

/** The runtime, created on first use; null (see `wasmFailure`) where WebAssembly SIMD is missing. */
export function getWasmRuntime(): WasmRuntime | null {
  if (runtime !== undefined) return runtime;
  const shared = canShareMemory();
  const compiled = compileKernels(shared);
  if (typeof compiled === 'string') {
    failure = compiled;
    runtime = null;
    return null;
  }
  const memory = createKernelMemory(shared);
  const kernels = instantiateKernels(compiled, memory);
  const heap = new WasmHeap(memory, HEAP_LIMIT_BYTES);
  runtime = { compiled, memory, kernels, heap, arena: new WasmArena(heap), pool: null };
  return runtime;
}

/** Why the WebAssembly runtime is unavailable ('' when it is available or not yet tried). */
export function wasmFailure(): string {
  return failure;
}

/**
 * Starts (or stops) helper threads so `threads` threads work on large
 * kernels. Returns why helpers cannot run, or null.
 */
export function setWasmThreads(rt: WasmRuntime, threads: number): string | null {
  if (rt.pool && rt.pool.threads === threads) return rt.pool.failure;
  rt.pool?.terminate();
  rt.pool = null;
  if (threads <= 1) return null;
  if (!rt.compiled.shared) return 'SharedArrayBuffer is unavailable (a browser page must be cross-origin isolated)';
  rt.pool = new WasmThreadPool(rt.compiled, rt.memory, threads);
  return rt.pool.failure;
}
