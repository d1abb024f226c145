import type { KernelTensor } from '../backend.js';
import type { Shape } from '../shape.js';
import type { KernelExports } from './wasm-module.js';
import { inputPtr, outputFor } from './wasm-operands.js';
import { getWasmRuntime } from './wasm-runtime.js';

/**
 * Runs a one-input float32 WebAssembly kernel: places `x` (in place when it
 * already lives in the kernels' memory), allocates the output of `outShape`,
 * calls `run(kernels, xPtr, outPtr)`, and returns the output. Callers decide
 * beforehand that the WebAssembly path applies (`wasmUsable`).
 */
export function runWasmUnary(x: KernelTensor, outShape: Shape, outSize: number, run: (k: KernelExports, x: number, out: number) => void): KernelTensor {
  const rt = getWasmRuntime()!;
  try {
    const xp = inputPtr(rt, x);
    const out = outputFor(rt, outShape, outSize);
    run(rt.kernels, xp, out.ptr);
    out.finish();
    return out.out;
  } finally {
    rt.arena.release();
  }
}
