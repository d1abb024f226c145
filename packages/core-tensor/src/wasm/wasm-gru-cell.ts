import type { KernelTensor } from '../backend.js';
import { sizeOf } from '../shape.js';
import { wasmUsable } from './wasm-elementwise.js';
import { wasmCall } from './wasm-operands.js';

function applies(h: KernelTensor, tensors: readonly KernelTensor[], H: number): boolean {
  return H % 2 === 0 && H > 0 && tensors.every((t) => t.dtype === 'float32') && wasmUsable(sizeOf(h.shape) * 3);
}

/**
 * The fused GRU step [gi, gh, h, bhh] → [h′] on the WebAssembly SIMD path
 * (gate order r, z, n; gi and gh [..., 3H], h [..., H], bhh [3H]), for the
 * CPU kernel that `@webgrad/layers-recurrent` registers as `gruCell`. It
 * mirrors that kernel's double-precision formula operation for operation,
 * so results agree to the final float32 rounding. Returns null when the
 * caller's TypeScript loop should run (other dtype, odd H, small,
 * TypeScript path).
 *
 * @example
 * ```ts
 * const fast = wasmGruCell(gi, gh, h, bhh); // inside a CPU kernel
 * if (fast !== null) return fast;
 * ```
 */
export function wasmGruCell(gi: KernelTensor, gh: KernelTensor, h: KernelTensor, bhh: KernelTensor): KernelTensor[] | null {
  const H = h.shape[h.shape.length - 1] ?? 0;
  if (!applies(h, [gi, gh, h, bhh], H)) return null;
  const n = sizeOf(h.shape);
  return wasmCall((call) => {
    const [a, b, hp, bias] = [gi, gh, h, bhh].map((t) => call.input(t)) as [number, number, number, number];
    const out = call.output(h.shape, n);
    call.kernels.gruCellF32(a, b, hp, bias, out.ptr, n / H, H);
    out.finish();
    return [out.out];
  });
}

/**
 * The fused GRU step's gradient [dh′, gi, gh, h, bhh] → [dgi, dgh, dh] on
 * the WebAssembly SIMD path, for the CPU kernel `gruCellBackward` of
 * `@webgrad/layers-recurrent`; null when the TypeScript loop should run.
 *
 * @example
 * ```ts
 * const fast = wasmGruCellBackward(dhn, gi, gh, h, bhh);
 * if (fast !== null) return fast;
 * ```
 */
export function wasmGruCellBackward(dhn: KernelTensor, gi: KernelTensor, gh: KernelTensor, h: KernelTensor, bhh: KernelTensor): KernelTensor[] | null {
  const H = h.shape[h.shape.length - 1] ?? 0;
  if (!applies(h, [dhn, gi, gh, h, bhh], H)) return null;
  const n = sizeOf(h.shape);
  return wasmCall((call) => {
    const [pd, a, b, hp, bias] = [dhn, gi, gh, h, bhh].map((t) => call.input(t)) as [number, number, number, number, number];
    const dgi = call.output(gi.shape, 3 * n);
    const dgh = call.output(gi.shape, 3 * n);
    const dh = call.output(h.shape, n);
    call.kernels.gruCellBackwardF32(pd, a, b, hp, bias, dgi.ptr, dgh.ptr, dh.ptr, n / H, H);
    dgi.finish();
    dgh.finish();
    dh.finish();
    return [dgi.out, dgh.out, dh.out];
  });
}
