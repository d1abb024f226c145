import type { KernelTensor } from '../backend.js';
import type { Shape } from '../shape.js';
import type { KernelExports } from './wasm-module.js';
import { wasmCall } from './wasm-operands.js';

/**
 * Runs a one-input float32 WebAssembly kernel: places `x`, allocates the
 * output of `outShape`, calls `run(kernels, xPtr, outPtr)`. Null when the
 * heap is exhausted (run the TypeScript kernel). Callers decide beforehand
 * that the WebAssembly path applies (`wasmUsable`).
 */
export function runWasmUnary(x: KernelTensor, outShape: Shape, outSize: number, run: (k: KernelExports, x: number, out: number) => void): KernelTensor | null {
  return wasmCall((call) => {
    const xp = call.input(x);
    const out = call.output(outShape, outSize);
    run(call.kernels, xp, out.ptr);
    out.finish();
    return out.out;
  });
}
