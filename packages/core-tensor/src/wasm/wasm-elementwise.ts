import type { KernelTensor } from '../backend.js';
import { forEachBroadcastRow } from '../kernels/strided-loop.js';
import type { Shape } from '../shape.js';
import { activeCpuPath } from './cpu-config.js';
import { wasmCall } from './wasm-operands.js';
import { runWasmUnary } from './wasm-unary-call.js';

/** Binary table ops with a WebAssembly kernel, in the op-code order of assembly/elementwise.ts. */
export const BINARY_F32_OPS: readonly string[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'];
/** Unary table ops with a WebAssembly kernel, in the op-code order of assembly/elementwise.ts. */
export const UNARY_F32_OPS: readonly string[] = ['neg', 'abs', 'relu', 'sqrt', 'square'];
/**
 * Transcendental table ops with a WebAssembly kernel (assembly/transcendental.ts):
 * computed in double precision like the table's formulas (gelu in both its
 * forms, erf as the table's `M.erf`), so equal to the reference after the
 * float32 rounding except where Math.exp/Math.tanh/Math.log and the kernel's
 * e^x/tanh/ln straddle a rounding boundary (≤ 1 float32 ulp).
 */
export const UNARY_MATH_F32_OPS: readonly string[] = ['exp', 'tanh', 'sigmoid', 'log', 'erf', 'gelu'];

/** Below this many elements the TypeScript loop is as fast (the call and any copies dominate). */
export const WASM_ELEMENTWISE_MIN = 256;
/** Broadcast rows shorter than this on average stay in TypeScript (one wasm call per row). */
const MIN_ROW = 16;

/** Whether a float32 kernel of `size` elements should take the WebAssembly path. */
export function wasmUsable(size: number): boolean {
  return size >= WASM_ELEMENTWISE_MIN && activeCpuPath().path === 'wasm-simd';
}

/**
 * A float32 binary table op on the WebAssembly kernel, with broadcasting to
 * `shape`; null when the TypeScript kernel should run (other op or dtype,
 * small, short broadcast rows, TypeScript path). Results are bit-identical to
 * the TypeScript kernel's.
 */
export function wasmBinary(op: string, x: KernelTensor, y: KernelTensor, shape: Shape, size: number, sameShape: boolean): KernelTensor | null {
  const code = BINARY_F32_OPS.indexOf(op);
  if (code < 0 || x.dtype !== 'float32' || !wasmUsable(size)) return null;
  let rows = 1;
  if (!sameShape) {
    rows = 0;
    forEachBroadcastRow(shape, [x.shape, y.shape], () => void rows++);
    if (size / rows < MIN_ROW) return null;
  }
  return wasmCall((call) => {
    const xp = call.input(x);
    const yp = call.input(y);
    const out = call.output(shape, size);
    const k = call.kernels;
    if (sameShape) k.binaryF32(code, xp, yp, out.ptr, size, 1, 1);
    else forEachBroadcastRow(shape, [x.shape, y.shape], (o, offs, n, st) => k.binaryF32(code, xp + 4 * offs[0]!, yp + 4 * offs[1]!, out.ptr + 4 * o, n, st[0]!, st[1]!));
    out.finish();
    return out.out;
  });
}

/**
 * A float32 unary table op on the WebAssembly kernel (`a` is the op's first
 * attribute: gelu's form); null when the TypeScript kernel should run.
 */
export function wasmUnary(op: string, x: KernelTensor, size: number, a = 0): KernelTensor | null {
  const code = UNARY_F32_OPS.indexOf(op);
  const mathCode = code < 0 ? UNARY_MATH_F32_OPS.indexOf(op) : -1;
  if ((code < 0 && mathCode < 0) || x.dtype !== 'float32' || !wasmUsable(size)) return null;
  if (code < 0) return runWasmUnary(x, x.shape, size, (k, xp, out) => k.unaryMathF32(mathCode, xp, out, size, a));
  return runWasmUnary(x, x.shape, size, (k, xp, out) => k.unaryF32(code, xp, out, size));
}
