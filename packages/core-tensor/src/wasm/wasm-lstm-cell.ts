import type { KernelTensor } from '../backend.js';
import { sizeOf } from '../shape.js';
import { wasmUsable } from './wasm-elementwise.js';
import { wasmCall } from './wasm-operands.js';

function applies(c: KernelTensor, H: number): boolean {
  return c.dtype === 'float32' && H % 2 === 0 && H > 0 && wasmUsable(sizeOf(c.shape) * 4);
}

/**
 * The fused LSTM step [gi, gh, c] → [h′, c′] on the WebAssembly SIMD path
 * (gate order i, f, g, o; gi and gh [..., 4H], c [..., H]), for the CPU
 * kernel that `@webgrad/layers-recurrent` registers as `lstmCell`. It mirrors
 * that kernel's double-precision formula operation for operation, so results
 * agree to the final float32 rounding. Returns null when the caller's
 * TypeScript loop should run (other dtype, odd H, small, TypeScript path).
 *
 * @example
 * ```ts
 * const fast = wasmLstmCell(gi, gh, c); // inside a CPU kernel
 * if (fast !== null) return fast;
 * ```
 */
export function wasmLstmCell(gi: KernelTensor, gh: KernelTensor, c: KernelTensor): KernelTensor[] | null {
  const H = c.shape[c.shape.length - 1] ?? 0;
  if (!applies(c, H) || gi.dtype !== 'float32' || gh.dtype !== 'float32') return null;
  const n = sizeOf(c.shape);
  return wasmCall((call) => {
    const [a, b, cp] = [call.input(gi), call.input(gh), call.input(c)];
    const h = call.output(c.shape, n);
    const cn = call.output(c.shape, n);
    call.kernels.lstmCellF32(a, b, cp, h.ptr, cn.ptr, n / H, H);
    h.finish();
    cn.finish();
    return [h.out, cn.out];
  });
}

/**
 * The fused LSTM step's gradient [dh′, dc′, gi, gh, c] → [da, dc] on the
 * WebAssembly SIMD path (da is the gradient of both gi and gh), for the CPU
 * kernel `lstmCellBackward` of `@webgrad/layers-recurrent`; null when the
 * TypeScript loop should run.
 *
 * @example
 * ```ts
 * const fast = wasmLstmCellBackward(dh, dcn, gi, gh, c);
 * if (fast !== null) return fast;
 * ```
 */
export function wasmLstmCellBackward(dh: KernelTensor, dcn: KernelTensor, gi: KernelTensor, gh: KernelTensor, c: KernelTensor): KernelTensor[] | null {
  const H = c.shape[c.shape.length - 1] ?? 0;
  if (!applies(c, H) || [dh, dcn, gi, gh].some((t) => t.dtype !== 'float32')) return null;
  const n = sizeOf(c.shape);
  return wasmCall((call) => {
    const [pdh, pdc, a, b, cp] = [dh, dcn, gi, gh, c].map((t) => call.input(t)) as [number, number, number, number, number];
    const da = call.output(gi.shape, 4 * n);
    const dc = call.output(c.shape, n);
    call.kernels.lstmCellBackwardF32(pdh, pdc, a, b, cp, da.ptr, dc.ptr, n / H, H);
    da.finish();
    dc.finish();
    return [da.out, dc.out];
  });
}
