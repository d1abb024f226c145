import type { KernelTensor } from '../backend.js';
import { sizeOf } from '../shape.js';
import { wasmUsable } from './wasm-elementwise.js';
import { wasmCall } from './wasm-operands.js';

function applies(tensors: readonly KernelTensor[], n: number, size: number): boolean {
  return n > 0 && tensors.every((t) => t.dtype === 'float32') && wasmUsable(size);
}

/**
 * The fused layer norm [x (…, N), weight (N), bias (N)] → [y] on the
 * WebAssembly SIMD path, for the CPU kernel `layerNorm` of
 * `@webgrad/regularize`: per row μ = Σx/N, r = 1/√(Σ(x − μ)²/N + ε),
 * y = (x − μ)·r·γ + β in double precision with the sums added in order, so
 * the same bits as that kernel. Null when its TypeScript loop should run
 * (other dtype, small, TypeScript path).
 *
 * @example
 * ```ts
 * const fast = wasmLayerNorm(x, weight, bias, eps); // inside a CPU kernel
 * if (fast !== null) return fast;
 * ```
 */
export function wasmLayerNorm(x: KernelTensor, weight: KernelTensor, bias: KernelTensor, eps: number): KernelTensor[] | null {
  const n = sizeOf(weight.shape);
  const size = sizeOf(x.shape);
  if (!applies([x, weight, bias], n, size)) return null;
  return wasmCall((call) => {
    const [xp, wp, bp] = [x, weight, bias].map((t) => call.input(t)) as [number, number, number];
    const y = call.output(x.shape, size);
    call.kernels.layerNormF32(xp, wp, bp, y.ptr, size / n, n, eps);
    y.finish();
    return [y.out];
  });
}

/**
 * The fused layer norm's gradient [dy, x, weight] → [dx, dweight, dbias] on
 * the WebAssembly SIMD path (same bits as `@webgrad/regularize`'s
 * `layerNormBackward` CPU kernel); null when the TypeScript loop should run.
 *
 * @example
 * ```ts
 * const fast = wasmLayerNormBackward(dy, x, weight, eps);
 * if (fast !== null) return fast;
 * ```
 */
export function wasmLayerNormBackward(dy: KernelTensor, x: KernelTensor, weight: KernelTensor, eps: number): KernelTensor[] | null {
  const n = sizeOf(weight.shape);
  const size = sizeOf(x.shape);
  if (!applies([dy, x, weight], n, size)) return null;
  return wasmCall((call) => {
    const [dyp, xp, wp] = [dy, x, weight].map((t) => call.input(t)) as [number, number, number];
    const dx = call.output(x.shape, size);
    const dw = call.output(weight.shape, n);
    const db = call.output(weight.shape, n);
    call.kernels.layerNormBackwardF32(dyp, xp, wp, dx.ptr, dw.ptr, db.ptr, call.reserve(4 * n), size / n, n, eps);
    dx.finish();
    dw.finish();
    db.finish();
    return [dx.out, dw.out, db.out];
  });
}
