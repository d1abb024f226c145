import { runKernel1 } from '../dispatch.js';
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';

/** A 2-D size or stride: one number for both axes or `[h, w]`. */
export type Pair = number | readonly [number, number];

/** Options of `unfold` and `fold` (PyTorch's names). */
export interface UnfoldOptions {
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
  /** Implicit padding on both sides of each axis (default 0). */
  padding?: Pair;
  /** Step between windows (default 1). */
  stride?: Pair;
}

/** @internal expands a `Pair` and checks it. */
export function pair(op: string, name: string, v: Pair | undefined, dflt: number, min: number): [number, number] {
  const p: [number, number] = v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= min)) throw new ArgumentError(op, `${name} must be integers >= ${min}, got ${String(v)}`);
  return p;
}

/** @internal the number of windows along one axis. */
export function windowCount(size: number, k: number, d: number, p: number, s: number): number {
  return Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;
}

/**
 * Extracts sliding windows (im2col, `torch.nn.functional.unfold`):
 * [N, C, H, W] → [N, C·kh·kw, L], L the number of windows. Convolutions and
 * pooling are built on it; `padValue` fills padding (−∞ for max pooling).
 */
export function unfold(x: Tensor, kernelSize: Pair, options: UnfoldOptions & { padValue?: number } = {}): Tensor {
  x.assertAlive('unfold');
  if (x.rank !== 4) throw new ShapeError('unfold', `expected input of shape [N, C, H, W], got ${fmtShape(x.shape)}`);
  const k = pair('unfold', 'kernelSize', kernelSize, 1, 1);
  const d = pair('unfold', 'dilation', options.dilation, 1, 1);
  const p = pair('unfold', 'padding', options.padding, 0, 0);
  const s = pair('unfold', 'stride', options.stride, 1, 1);
  const oh = windowCount(x.shape[2]!, k[0], d[0], p[0], s[0]);
  const ow = windowCount(x.shape[3]!, k[1], d[1], p[1], s[1]);
  if (oh <= 0 || ow <= 0) {
    throw new ShapeError('unfold', `kernel ${k.join('x')} (dilation ${d.join('x')}) does not fit input ${fmtShape(x.shape)} with padding ${p.join('x')}`);
  }
  return runKernel1('unfold', [x], { kernel: k, dilation: d, padding: p, stride: s, outSize: [oh, ow], padValue: options.padValue ?? 0 });
}

/**
 * Sums sliding windows back into an image (col2im, `torch.nn.functional.fold`):
 * [N, C·kh·kw, L] → [N, C, H, W]. The adjoint of `unfold`.
 */
export function fold(cols: Tensor, outputSize: Pair, kernelSize: Pair, options: UnfoldOptions = {}): Tensor {
  cols.assertAlive('fold');
  const o = pair('fold', 'outputSize', outputSize, 1, 1);
  const k = pair('fold', 'kernelSize', kernelSize, 1, 1);
  const d = pair('fold', 'dilation', options.dilation, 1, 1);
  const p = pair('fold', 'padding', options.padding, 0, 0);
  const s = pair('fold', 'stride', options.stride, 1, 1);
  const oh = windowCount(o[0], k[0], d[0], p[0], s[0]);
  const ow = windowCount(o[1], k[1], d[1], p[1], s[1]);
  if (cols.rank !== 3 || cols.shape[1]! % (k[0] * k[1]) !== 0 || cols.shape[2] !== oh * ow) {
    throw new ShapeError('fold', `expected input [N, C·${k[0]}·${k[1]}, ${oh * ow}] for output ${o.join('x')}, got ${fmtShape(cols.shape)}`);
  }
  return runKernel1('fold', [cols], { kernel: k, dilation: d, padding: p, stride: s, outSize: [oh, ow], imageSize: o });
}
