import type { KernelTensor } from '../backend.js';
import { sizeOf } from '../shape.js';
import { wasmUsable } from './wasm-elementwise.js';
import { wasmCall } from './wasm-operands.js';

/** The float32-rounded numbers of one Adam step, as `@webgrad/optim`'s `adamUpdate` CPU kernel prepares them. */
export interface WasmAdamScalars {
  /** Negate the gradient (maximise). */
  readonly maximize: boolean;
  /** AdamW: scale the parameter by `shrink` instead of adding `l2`·p to the gradient. */
  readonly decoupled: boolean;
  /** β₁. */
  readonly b1: number;
  /** β₂. */
  readonly b2: number;
  /** 1 − β₁. */
  readonly omb1: number;
  /** 1 − β₂. */
  readonly omb2: number;
  /** L2 coefficient added to the gradient (0: none). */
  readonly l2: number;
  /** 1 − lr·λ (decoupled decay). */
  readonly shrink: number;
  /** ε. */
  readonly eps: number;
  /** √(1 − β₂ᵗ). */
  readonly bc2Sqrt: number;
  /** lr / (1 − β₁ᵗ). */
  readonly stepSize: number;
}

/**
 * The fused Adam/AdamW step [param, grad, expAvg, expAvgSq (, maxExpAvgSq)] →
 * [param′, expAvg′, expAvgSq′ (, maxExpAvgSq′)] on float32 with 128-bit SIMD,
 * for the CPU kernel `adamUpdate` of `@webgrad/optim`: every operation is the
 * float32 operation that kernel rounds to, in its order, so the same bits.
 * Null when that kernel's loop should run (other dtype, small, TypeScript path).
 *
 * @example
 * ```ts
 * const fast = wasmAdamUpdate([param, grad, m, v], scalars); // inside a CPU kernel
 * if (fast !== null) return fast;
 * ```
 */
export function wasmAdamUpdate(inputs: readonly KernelTensor[], s: WasmAdamScalars): KernelTensor[] | null {
  const param = inputs[0]!;
  const n = sizeOf(param.shape);
  if (inputs.some((t) => t.dtype !== 'float32') || !wasmUsable(n)) return null;
  const amsgrad = inputs.length > 4;
  return wasmCall((call) => {
    const ptrs = inputs.map((t) => call.input(t));
    const outs = inputs.slice(0, amsgrad ? 4 : 3).map(() => call.output(param.shape, n));
    call.kernels.adamUpdateF32(
      ptrs[0]!, ptrs[1]!, ptrs[2]!, ptrs[3]!, amsgrad ? ptrs[4]! : 0,
      outs[0]!.ptr, outs[1]!.ptr, outs[2]!.ptr, amsgrad ? outs[3]!.ptr : 0, n,
      s.maximize ? 1 : 0, s.decoupled ? 1 : 0,
      s.b1, s.b2, s.omb1, s.omb2, s.l2, s.shrink, s.eps, s.bc2Sqrt, s.stepSize,
    );
    for (const o of outs) o.finish();
    return outs.map((o) => o.out);
  });
}

/** The float32-rounded numbers of one SGD step, as `@webgrad/optim`'s `sgdUpdate` CPU kernel prepares them. */
export interface WasmSgdScalars {
  /** Negate the gradient (maximise). */
  readonly maximize: boolean;
  /** Nesterov momentum. */
  readonly nesterov: boolean;
  /** The learning rate. */
  readonly lr: number;
  /** The momentum (0: no buffer). */
  readonly momentum: number;
  /** 1 − dampening. */
  readonly damp: number;
  /** Weight decay added to the gradient (0: none). */
  readonly wd: number;
}

/**
 * The fused SGD step [param, grad (, momentumBuffer)] → [param′ (, momentumBuffer′)]
 * on float32 with 128-bit SIMD, for the CPU kernel `sgdUpdate` of
 * `@webgrad/optim` (same bits); null when that kernel's loop should run.
 *
 * @example
 * ```ts
 * const fast = wasmSgdUpdate([param, grad], scalars);
 * if (fast !== null) return fast;
 * ```
 */
export function wasmSgdUpdate(inputs: readonly KernelTensor[], s: WasmSgdScalars): KernelTensor[] | null {
  const param = inputs[0]!;
  const n = sizeOf(param.shape);
  if (inputs.some((t) => t.dtype !== 'float32') || !wasmUsable(n)) return null;
  const keepsBuffer = s.momentum !== 0;
  return wasmCall((call) => {
    const ptrs = inputs.map((t) => call.input(t));
    const p2 = call.output(param.shape, n);
    const b2 = keepsBuffer ? call.output(param.shape, n) : null;
    call.kernels.sgdUpdateF32(ptrs[0]!, ptrs[1]!, ptrs[2] ?? 0, p2.ptr, b2 === null ? 0 : b2.ptr, n, s.maximize ? 1 : 0, s.nesterov ? 1 : 0, s.lr, s.momentum, s.damp, s.wd);
    p2.finish();
    b2?.finish();
    return b2 === null ? [p2.out] : [p2.out, b2.out];
  });
}
