import { ones } from '../creation.js';
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { assertFloat, div } from './elementwise.js';
import { max, sum } from './reduce.js';
import { pad } from './pad.js';
import { reshape, squeeze, unsqueeze } from './reshape.js';
import { pair, unfold, type Pair } from './unfold.js';

/** Options of the pooling ops (PyTorch's names and defaults). */
export interface PoolOptions {
  /** Step between windows (default: the kernel size). */
  stride?: Pair;
  /** Implicit padding on both sides, at most half the kernel (default 0). */
  padding?: Pair;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
}

/** Options of max pooling. */
export interface MaxPoolOptions extends PoolOptions {
  /** Spacing between window taps (default 1). */
  dilation?: Pair;
}

/** Options of average pooling. */
export interface AvgPoolOptions extends PoolOptions {
  /** Count padding zeros in the average (default true, as PyTorch). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window size. */
  divisorOverride?: number;
}

interface PoolGeometry {
  k: [number, number];
  s: [number, number];
  p: [number, number];
  d: [number, number];
  out: [number, number];
  extra: [number, number];
}

function poolGeometry(op: string, x: Tensor, kernelSize: Pair, o: MaxPoolOptions): PoolGeometry {
  if (x.rank !== 4) throw new ShapeError(op, `expected input [N, C, H, W], got ${fmtShape(x.shape)}`);
  // as in PyTorch: pooling is defined for floating-point input only
  assertFloat(op, x);
  const k = pair(op, 'kernelSize', kernelSize, 1, 1);
  const s = pair(op, 'stride', o.stride ?? k, 1, 1);
  const p = pair(op, 'padding', o.padding, 0, 0);
  const d = pair(op, 'dilation', o.dilation, 1, 1);
  if (p[0] > k[0] / 2 || p[1] > k[1] / 2) throw new ArgumentError(op, `padding ${p.join('x')} must be at most half the kernel size ${k.join('x')}`);
  const out: [number, number] = [0, 0];
  const extra: [number, number] = [0, 0];
  for (let i = 0; i < 2; i++) {
    const size = x.shape[2 + i]!;
    const span = size + 2 * p[i]! - d[i]! * (k[i]! - 1) - 1;
    if (span < 0) throw new ShapeError(op, `kernel ${k.join('x')} is larger than the padded input ${fmtShape(x.shape)}`);
    let n = (o.ceilMode ? Math.ceil(span / s[i]!) : Math.floor(span / s[i]!)) + 1;
    // PyTorch: the last window must start inside the input or the left padding
    if (o.ceilMode && (n - 1) * s[i]! >= size + p[i]!) n--;
    out[i] = n;
    extra[i] = Math.max(0, (n - 1) * s[i]! + d[i]! * (k[i]! - 1) + 1 - (size + 2 * p[i]!));
  }
  return { k, s, p, d, out, extra };
}

/** Pads the bottom/right edge for `ceilMode`, then unfolds into [N, C, kh·kw, L]. */
function windows(x: Tensor, g: PoolGeometry, padValue: number): Tensor {
  const [N, C] = x.shape as [number, number];
  const xin = g.extra[0] || g.extra[1] ? pad(x, [0, g.extra[1], 0, g.extra[0]], padValue) : x;
  const cols = unfold(xin, g.k, { stride: g.s, padding: g.p, dilation: g.d, padValue });
  return reshape(cols, [N, C, g.k[0] * g.k[1], g.out[0] * g.out[1]]);
}

/**
 * 2-D max pooling over [N, C, H, W]. The gradient goes to the first maximal
 * element of each window, as in PyTorch.
 */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: MaxPoolOptions = {}): Tensor {
  const g = poolGeometry('maxPool2d', x, kernelSize, options);
  const w = windows(x, g, -Infinity);
  return reshape(max(w, 2), [x.shape[0]!, x.shape[1]!, g.out[0], g.out[1]]);
}

/** 2-D average pooling over [N, C, H, W], with PyTorch's `countIncludePad` and `divisorOverride`. */
export function avgPool2d(x: Tensor, kernelSize: Pair, options: AvgPoolOptions = {}): Tensor {
  const g = poolGeometry('avgPool2d', x, kernelSize, options);
  const summed = sum(windows(x, g, 0), 2); // [N, C, L]
  let divisor: Tensor | number;
  if (options.divisorOverride !== undefined) {
    if (!(options.divisorOverride > 0)) throw new ArgumentError('avgPool2d', `divisorOverride must be positive, got ${options.divisorOverride}`);
    divisor = options.divisorOverride;
  } else {
    // count the taps that land in the input (and in the padding, when counted)
    const H = x.shape[2]!;
    const W = x.shape[3]!;
    const include = options.countIncludePad ?? true;
    let mask = ones([1, 1, H, W], { backend: x.backend.name });
    mask = pad(mask, [g.p[1], g.p[1], g.p[0], g.p[0]], include ? 1 : 0);
    if (g.extra[0] || g.extra[1]) mask = pad(mask, [0, g.extra[1], 0, g.extra[0]], 0);
    const counts = unfold(mask, g.k, { stride: g.s, dilation: g.d });
    divisor = reshape(sum(counts, 1), [1, 1, g.out[0] * g.out[1]]);
  }
  return reshape(div(summed, divisor), [x.shape[0]!, x.shape[1]!, g.out[0], g.out[1]]);
}

function as2d(v: Pair | undefined, dflt: number | undefined): [number, number] | undefined {
  if (v === undefined) return dflt === undefined ? undefined : [1, dflt];
  return [1, typeof v === 'number' ? v : v[0]];
}

function padAs2d(v: Pair | undefined): [number, number] {
  return [0, v === undefined ? 0 : typeof v === 'number' ? v : v[0]];
}

/** 1-D max pooling over [N, C, L]. */
export function maxPool1d(x: Tensor, kernelSize: number, options: MaxPoolOptions = {}): Tensor {
  if (x.rank !== 3) throw new ShapeError('maxPool1d', `expected input [N, C, L], got ${fmtShape(x.shape)}`);
  assertFloat('maxPool1d', x);
  const o: MaxPoolOptions = { padding: padAs2d(options.padding), ceilMode: options.ceilMode ?? false };
  const st = as2d(options.stride, undefined);
  if (st) o.stride = st;
  const dl = as2d(options.dilation, 1);
  if (dl) o.dilation = dl;
  return squeeze(maxPool2d(unsqueeze(x, 2), [1, kernelSize], o), 2);
}

/** 1-D average pooling over [N, C, L]. */
export function avgPool1d(x: Tensor, kernelSize: number, options: AvgPoolOptions = {}): Tensor {
  if (x.rank !== 3) throw new ShapeError('avgPool1d', `expected input [N, C, L], got ${fmtShape(x.shape)}`);
  assertFloat('avgPool1d', x);
  const o: AvgPoolOptions = { ...options, padding: padAs2d(options.padding) };
  const st = as2d(options.stride, undefined);
  if (st) o.stride = st;
  else delete o.stride;
  return squeeze(avgPool2d(unsqueeze(x, 2), [1, kernelSize], o), 2);
}
