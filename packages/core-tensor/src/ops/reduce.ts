import { runKernel1 } from '../dispatch.js';
import { isFloatDType } from '../dtype.js';
import { ArgumentError, ShapeError } from '../errors.js';
import { normalizeAxes, normalizeAxis, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { abs, add, cast, div, eq, exp, log, ne, pow, sqrt, square, sub, where } from './elementwise.js';
import { isinf } from './elementwise.js';
import { reshape } from './reshape.js';

/** Axes to reduce over: one axis, several, or all when omitted. */
export type Axes = number | readonly number[];

function reduceOp(op: string, x: Tensor, axes: Axes | undefined, keepdims: boolean, extra: Record<string, boolean> = {}): Tensor {
  x.assertAlive(op);
  const ax = normalizeAxes(op, axes, x.rank);
  return runKernel1(op, [x], { axes: ax, keepdims, ...extra });
}

/** Sum over `axes` (all when omitted); `keepdims` keeps reduced axes with length 1. Bool and int sum to int32. */
export function sum(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  return reduceOp('sum', x, axes, keepdims);
}

/** Product over `axes`. */
export function prod(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  return reduceOp('prod', x, axes, keepdims);
}

/**
 * Maximum over `axes`. The gradient follows PyTorch: over one given axis
 * (`torch.max(x, dim)`) it flows to the first maximal element; over all axes
 * or several (`torch.max(x)`, `amax`) it is shared evenly among ties.
 */
export function max(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  assertNonEmptyReduction('max', x, axes);
  return reduceOp('max', x, axes, keepdims, { evenTies: typeof axes !== 'number' });
}

/** Minimum over `axes` (gradient semantics as for `max`). */
export function min(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  assertNonEmptyReduction('min', x, axes);
  return reduceOp('min', x, axes, keepdims, { evenTies: typeof axes !== 'number' });
}

/** Index of the maximum along `axis` (of the flattened tensor when omitted), as int32. Ties give the first index. */
export function argmax(x: Tensor, axis?: number, keepdims = false): Tensor {
  return argReduce('argmax', x, axis, keepdims);
}

/** Index of the minimum along `axis` (of the flattened tensor when omitted), as int32. */
export function argmin(x: Tensor, axis?: number, keepdims = false): Tensor {
  return argReduce('argmin', x, axis, keepdims);
}

function argReduce(op: string, x: Tensor, axis: number | undefined, keepdims: boolean): Tensor {
  x.assertAlive(op);
  if (x.size === 0) throw new ShapeError(op, 'cannot take the index of an extreme of an empty tensor');
  if (axis === undefined) {
    const flat = reshape(x, [x.size]);
    const r = runKernel1(op, [flat], { axes: [0], keepdims: false });
    return keepdims ? reshape(r, x.shape.map(() => 1)) : r;
  }
  return runKernel1(op, [x], { axes: [normalizeAxis(op, axis, x.rank)], keepdims });
}

/** Mean over `axes` (integers are averaged as float32). */
export function mean(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  x.assertAlive('mean');
  const ax = normalizeAxes('mean', axes, x.rank);
  const n = sizeOf(ax.map((a) => x.shape[a]!));
  const xf = isFloatDType(x.dtype) ? x : cast(x, 'float32');
  return div(sum(xf, ax, keepdims), n);
}

/** Options of `variance` and `std`. */
export interface VarianceOptions {
  /** Subtracted from the count in the denominator: 1 (Bessel, PyTorch's default) or 0. */
  correction?: number;
  /** Keep reduced axes with length 1. */
  keepdims?: boolean;
}

/** Variance over `axes`, Σ(x − x̄)² / (N − correction); derived from `mean` and `sub`. Also the `.var()` method. */
export function variance(x: Tensor, axes?: Axes, options: VarianceOptions = {}): Tensor {
  const correction = options.correction ?? 1;
  const keepdims = options.keepdims ?? false;
  const ax = normalizeAxes('var', axes, x.rank);
  const n = sizeOf(ax.map((a) => x.shape[a]!));
  const xf = isFloatDType(x.dtype) ? x : cast(x, 'float32');
  const d = sub(xf, mean(xf, ax, true));
  return div(sum(square(d), ax, keepdims), Math.max(0, n - correction));
}

/** Standard deviation over `axes`: √variance. */
export function std(x: Tensor, axes?: Axes, options: VarianceOptions = {}): Tensor {
  return sqrt(variance(x, axes, options));
}

/** log Σ exp(x) over `axes`, computed stably by subtracting the maximum first. */
export function logsumexp(x: Tensor, axes?: Axes, keepdims = false): Tensor {
  const ax = normalizeAxes('logsumexp', axes, x.rank);
  const xf = isFloatDType(x.dtype) ? x : cast(x, 'float32');
  // the shift is a constant for the gradient; infinite maxima shift by 0
  const m = maxNoGrad(xf, ax);
  const safe = where(isinf(m), 0, m);
  const s = log(sum(exp(sub(xf, safe)), ax, true));
  const r = add(s, safe);
  return keepdims ? r : reshape(r, r.shape.filter((_, i) => !ax.includes(i)));
}

function maxNoGrad(x: Tensor, axes: number[]): Tensor {
  return runKernel1('max', [x.detach()], { axes, keepdims: true, evenTies: true });
}

/**
 * The p-norm over `axes` (all by default): (Σ|x|ᵖ)^{1/p}; p = ∞ gives the
 * maximum of |x|, p = −∞ the minimum, p = 0 the number of non-zero elements.
 * Default p = 2 (`torch.linalg.vector_norm`).
 *
 * The gradient follows PyTorch where the maths has none: 0 at the zero vector
 * (and for zero elements), and for p = ∞ shared evenly among the tied
 * maxima. Roots and powers are taken of `where`-guarded values so no
 * infinite slope at 0 ever meets a zero gradient (0·∞ = NaN).
 */
export function norm(x: Tensor, p = 2, axes?: Axes, keepdims = false): Tensor {
  if (Number.isNaN(p)) throw new ArgumentError('norm', `p must be a number, got ${p}`);
  const xf = isFloatDType(x.dtype) ? x : cast(x, 'float32');
  const ax = normalizeAxes('norm', axes, x.rank);
  // a list of axes: amax's / amin's even split of ties
  if (p === Infinity) return max(abs(xf), ax, keepdims);
  if (p === -Infinity) return min(abs(xf), ax, keepdims);
  if (p === 0) return cast(sum(ne(xf, 0), ax, keepdims), xf.dtype); // the number of non-zero elements
  if (p < 0) return pow(sum(pow(abs(xf), p), ax, keepdims), 1 / p);
  if (p === 1) return sum(abs(xf), ax, keepdims);
  let powered: Tensor;
  if (p === 2) powered = square(xf);
  else {
    const a = abs(xf);
    const zero = eq(a, 0);
    powered = where(zero, 0, pow(where(zero, 1, a), p));
  }
  const s = sum(powered, ax, keepdims);
  const zero = eq(s, 0);
  const safe = where(zero, 1, s);
  return where(zero, 0, p === 2 ? sqrt(safe) : pow(safe, 1 / p));
}

function assertNonEmptyReduction(op: string, x: Tensor, axes: Axes | undefined): void {
  const ax = normalizeAxes(op, axes, x.rank);
  if (ax.some((a) => x.shape[a] === 0) || (ax.length === 0 && x.size === 0)) {
    throw new ShapeError(op, `cannot reduce an empty axis of a tensor of shape [${x.shape.join(',')}]`);
  }
}

