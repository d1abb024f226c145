import { allocArray, fromTypedArray, sum, mul, tidy, Tensor, WebgradError, type TypedArray } from '@webgrad/core-tensor';
import { gradients } from './functional.js';
import { noGrad } from './grad-mode.js';

/** Options of `gradcheck`. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Which inputs to check (default: all floating-point inputs). */
  check?: readonly number[];
  /** Seed of the random projection of the output (default 0). */
  seed?: number;
}

/** The outcome of a gradient check. */
export interface GradcheckResult {
  /** True when every element agreed within tolerance. */
  ok: boolean;
  /** Largest absolute difference between analytic and numeric gradients. */
  maxAbsError: number;
  /** A description of the worst element, when not ok. */
  message: string;
}

function lcg(seed: number): () => number {
  let s = (seed * 2654435761 + 1) >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

/**
 * Compares the analytic gradients of `f` with central finite differences in
 * float64 on the CPU. The output is reduced to a scalar with a fixed random
 * projection ⟨f(x), r⟩, so every output element contributes. Inputs are copied
 * to float64; integer inputs are passed through unchanged.
 *
 * Throws a `WebgradError` naming the input, element and both values when
 * they disagree; returns the result otherwise.
 *
 * @example
 * ```ts
 * gradcheck((x, y) => x.mul(y).sin(), [randn([3]), randn([3])]);
 * ```
 */
export function gradcheck(f: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const isFloat = (t: Tensor): boolean => t.dtype === 'float32' || t.dtype === 'float64';
  const check = options.check ?? inputs.map((_, i) => i).filter((i) => isFloat(inputs[i]!));
  const host: TypedArray[] = inputs.map((t) => (isFloat(t) ? Float64Array.from(t.dataSync()) : t.dataSync()));
  const make = (i: number, values: TypedArray, grad: boolean): Tensor => {
    const t = inputs[i]!;
    return fromTypedArray(values, t.shape, { dtype: isFloat(t) ? 'float64' : t.dtype, backend: 'cpu', requiresGrad: grad && check.includes(i) });
  };
  const xs = inputs.map((_, i) => make(i, host[i]!, true));
  const y0 = f(...xs);
  if (y0.dtype !== 'float64') throw new WebgradError('gradcheck', `f must compute in float64 for float64 inputs, got ${y0.dtype} (an op dropped precision)`);
  const rnd = lcg(options.seed ?? 0);
  const rValues = allocArray('float64', y0.size);
  for (let i = 0; i < rValues.length; i++) rValues[i] = rnd();
  const r = fromTypedArray(rValues, y0.shape, { dtype: 'float64', backend: 'cpu' });
  // an output that does not depend on the checked inputs (e.g. the derivative of a linear map) has zero gradient
  const analytic = y0.requiresGrad
    ? gradients(sum(mul(y0, r)), check.map((i) => xs[i]!), { allowUnused: true }).map((g) => g.dataSync())
    : check.map((i) => new Float64Array(inputs[i]!.size));
  const scalarAt = (i: number, values: TypedArray): number =>
    tidy(() => noGrad(() => {
      const args = inputs.map((_, j) => (j === i ? make(j, values, false) : make(j, host[j]!, false)));
      return sum(mul(f(...args), r)).item();
    }));
  let maxAbsError = 0;
  let worst = '';
  let ok = true;
  check.forEach((inputIndex, k) => {
    const base = host[inputIndex]!;
    const a = analytic[k]!;
    for (let e = 0; e < base.length; e++) {
      const v = base[e]!;
      const plus = Float64Array.from(base);
      plus[e] = v + eps;
      const minus = Float64Array.from(base);
      minus[e] = v - eps;
      const numeric = (scalarAt(inputIndex, plus) - scalarAt(inputIndex, minus)) / (2 * eps);
      const err = Math.abs(numeric - a[e]!);
      if (err > maxAbsError || Number.isNaN(err)) {
        maxAbsError = Number.isNaN(err) ? Infinity : err;
        worst = `input ${inputIndex}, element ${e}: analytic ${a[e]}, numeric ${numeric}`;
      }
      if (!(err <= atol + rtol * Math.abs(numeric))) ok = false;
    }
  });
  if (!ok) throw new WebgradError('gradcheck', `gradients disagree with finite differences (max error ${maxAbsError}); worst at ${worst}`);
  return { ok, maxAbsError, message: worst };
}
