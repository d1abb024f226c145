import type { KernelTensor } from '../backend.js';
import { cpuAllocUninit, type CpuStorage } from '../cpu/cpu-backend.js';
import type { Shape } from '../shape.js';
import { wasmUsable } from './wasm-elementwise.js';
import { wasmCall } from './wasm-operands.js';
import { runWasmUnary } from './wasm-unary-call.js';

/** A reduction the WebAssembly row kernels cover: over the last `red` elements of each of `rows` rows. */
export type RowReduction = 'sum' | 'max' | 'min' | 'argmax' | 'argmin';

/**
 * A float32 reduction over the trailing axes (`inner` = 1: `rows` contiguous
 * rows of `red`) on the WebAssembly row kernels, the same bits as the
 * TypeScript kernel: sums accumulate in double in order (four rows side by
 * side), max/min/argmax/argmin scan four lanes and settle NaN, ±0 and ties
 * as the sequential scan does. Null when the TypeScript kernel should run
 * (other dtype, small, empty rows, the TypeScript path).
 */
export function wasmReduceRows(kind: RowReduction, x: KernelTensor, outShape: Shape, rows: number, red: number): KernelTensor | null {
  if (x.dtype !== 'float32' || red === 0 || !wasmUsable(rows * red)) return null;
  if (kind === 'sum') return runWasmUnary(x, outShape, rows, (k, xp, out) => k.sumRowsF32(xp, out, rows, red));
  if (kind === 'max' || kind === 'min') {
    return runWasmUnary(x, outShape, rows, (k, xp, out) => k.extremeRowsF32(xp, out, rows, red, kind === 'max' ? 1 : 0));
  }
  // int32 indices: the kernel writes them into scratch, copied into an ordinary int32 array
  return wasmCall((call) => {
    const xp = call.input(x);
    const scratch = call.reserve(rows);
    call.kernels.argExtremeRowsF32(xp, scratch, rows, red, kind === 'argmax' ? 1 : 0);
    const { out, storage } = cpuAllocUninit(outShape, 'int32');
    (storage as CpuStorage).data.set(new Int32Array(call.rt.memory.buffer, scratch, rows));
    return out;
  });
}
