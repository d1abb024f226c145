import { ArgumentError, ShapeError, add, fmtShape, fromTypedArray, indexSelect, mul, type Tensor } from '@webgrad/core-tensor';
import { Module } from './module.js';
import { pyFloat, pyTuple } from './python-repr.js';

/** Interpolation modes of `interpolate` / `Upsample`. */
export type UpsampleMode = 'nearest' | 'linear' | 'bilinear';

/** Options of `interpolate` and `Upsample` (PyTorch's names). */
export interface InterpolateOptions {
  /** The output spatial size (one number for every axis, or one per axis). Give this or `scaleFactor`. */
  size?: number | readonly number[];
  /** Multiplier of each spatial size: output = ⌊input·scaleFactor⌋. Give this or `size`. */
  scaleFactor?: number | readonly number[];
  /** `'nearest'` (default), `'linear'` (3-D input) or `'bilinear'` (4-D input). */
  mode?: UpsampleMode;
  /**
   * For the linear modes: map the corner pixels' centres onto each other
   * (src = dst·(in − 1)/(out − 1)) instead of the half-pixel rule
   * src = (dst + ½)·in/out − ½ (default false).
   */
  alignCorners?: boolean;
}

/**
 * Resizes the spatial axes of [N, C, L] or [N, C, H, W], PyTorch's
 * `F.interpolate` with its exact index arithmetic (in the input's precision,
 * so float32 inputs pick the same source pixels and weights as PyTorch):
 *
 * - nearest: src = min(⌊dst·scale⌋, in − 1), scale = 1/scaleFactor when a
 *   scale factor is given, else in/out;
 * - (bi)linear: src = scale·dst (alignCorners, scale = (in − 1)/(out − 1)) or
 *   max(scale·(dst + ½) − ½, 0); the two neighbours ⌊src⌋ and ⌊src⌋ + 1 (clamped)
 *   get weights 1 − λ and λ = src − ⌊src⌋, one axis after the other.
 *
 * Built from `indexSelect` and arithmetic, so gradients flow back through it.
 *
 * @example
 * ```ts
 * interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: false }); // [N, C, 2H, 2W]
 * ```
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  const op = 'interpolate';
  const mode = options.mode ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'bilinear') throw new ArgumentError(op, `mode must be 'nearest', 'linear' or 'bilinear', got '${String(mode)}'`);
  const dims = x.rank - 2;
  if (dims !== 1 && dims !== 2) throw new ShapeError(op, `expected input [N, C, L] or [N, C, H, W], got ${fmtShape(x.shape)}`);
  if (mode === 'linear' && dims !== 1) throw new ShapeError(op, `mode 'linear' needs a 3-D input [N, C, L], got ${fmtShape(x.shape)}`);
  if (mode === 'bilinear' && dims !== 2) throw new ShapeError(op, `mode 'bilinear' needs a 4-D input [N, C, H, W], got ${fmtShape(x.shape)}`);
  if (mode === 'nearest' && options.alignCorners !== undefined) throw new ArgumentError(op, 'alignCorners can only be set with the interpolating modes (linear, bilinear)');
  const alignCorners = options.alignCorners ?? false;
  const inSizes = x.shape.slice(2);
  const { outSizes, scales } = outputGeometry(op, inSizes, options);
  const f = x.dtype === 'float64' ? (v: number) => v : Math.fround;
  let y = x;
  // the last axis first, as PyTorch's separable kernel accumulates
  for (let i = dims - 1; i >= 0; i--) {
    const axis = 2 + i;
    const n = inSizes[i]!;
    const m = outSizes[i]!;
    if (mode === 'nearest') {
      y = indexSelect(y, axis, indexTensor(x, nearestIndices(n, m, scales[i], f)));
      continue;
    }
    const { i0, i1, l0, l1 } = linearIndices(n, m, scales[i], alignCorners, f);
    const shape = y.shape.map((_, a) => (a === axis ? m : 1));
    const w0 = fromTypedArray(x.dtype === 'float64' ? l0 : Float32Array.from(l0), shape, { dtype: x.dtype, backend: x.backend.name });
    const w1 = fromTypedArray(x.dtype === 'float64' ? l1 : Float32Array.from(l1), shape, { dtype: x.dtype, backend: x.backend.name });
    y = add(mul(indexSelect(y, axis, indexTensor(x, i0)), w0), mul(indexSelect(y, axis, indexTensor(x, i1)), w1));
  }
  return y;
}

function outputGeometry(op: string, inSizes: readonly number[], options: InterpolateOptions): { outSizes: number[]; scales: (number | undefined)[] } {
  const d = inSizes.length;
  const expand = (v: number | readonly number[], name: string): number[] => {
    const out = typeof v === 'number' ? new Array<number>(d).fill(v) : v.slice();
    if (out.length !== d) throw new ArgumentError(op, `${name} must have ${d} element(s) for a ${d}-D spatial input, got [${out.join(', ')}]`);
    return out;
  };
  if ((options.size === undefined) === (options.scaleFactor === undefined)) throw new ArgumentError(op, 'give exactly one of size and scaleFactor');
  if (options.size !== undefined) {
    const outSizes = expand(options.size, 'size');
    if (!outSizes.every((s) => Number.isInteger(s) && s > 0)) throw new ArgumentError(op, `size must be positive integers, got [${outSizes.join(', ')}]`);
    return { outSizes, scales: outSizes.map(() => undefined) };
  }
  const scales = expand(options.scaleFactor!, 'scaleFactor');
  if (!scales.every((s) => s > 0 && Number.isFinite(s))) throw new ArgumentError(op, `scaleFactor must be positive, got [${scales.join(', ')}]`);
  const outSizes = inSizes.map((n, i) => Math.floor(n * scales[i]!));
  if (outSizes.some((s) => s <= 0)) throw new ArgumentError(op, `scaleFactor [${scales.join(', ')}] gives an empty output for input size [${inSizes.join(', ')}]`);
  return { outSizes, scales };
}

/** PyTorch's compute_scales_value: 1/scaleFactor when one was given, else in/out (in the input's precision). */
function scaleValue(n: number, m: number, scaleFactor: number | undefined, f: (v: number) => number): number {
  return scaleFactor !== undefined ? f(1 / scaleFactor) : f(n / m);
}

function nearestIndices(n: number, m: number, scaleFactor: number | undefined, f: (v: number) => number): Int32Array {
  const scale = scaleValue(n, m, scaleFactor, f);
  const idx = new Int32Array(m);
  for (let j = 0; j < m; j++) idx[j] = Math.min(Math.floor(f(j * scale)), n - 1);
  return idx;
}

function linearIndices(n: number, m: number, scaleFactor: number | undefined, alignCorners: boolean, f: (v: number) => number): { i0: Int32Array; i1: Int32Array; l0: Float64Array; l1: Float64Array } {
  const i0 = new Int32Array(m);
  const i1 = new Int32Array(m);
  const l0 = new Float64Array(m);
  const l1 = new Float64Array(m);
  // PyTorch's area_pixel_compute_scale
  const scale = alignCorners ? (m > 1 ? f((n - 1) / (m - 1)) : 0) : scaleValue(n, m, scaleFactor, f);
  for (let j = 0; j < m; j++) {
    if (n === m) {
      i0[j] = j;
      i1[j] = j;
      l0[j] = 1;
      continue;
    }
    let src: number;
    if (alignCorners) src = f(scale * j);
    else {
      src = f(f(scale * f(j + 0.5)) - 0.5);
      if (src < 0) src = 0;
    }
    const k = Math.trunc(src);
    i0[j] = k;
    i1[j] = k + (k < n - 1 ? 1 : 0);
    const lambda = Math.min(Math.max(f(src - k), 0), 1);
    l1[j] = lambda;
    l0[j] = f(1 - lambda);
  }
  return { i0, i1, l0, l1 };
}

function indexTensor(like: Tensor, idx: Int32Array): Tensor {
  return fromTypedArray(idx, [idx.length], { dtype: 'int32', backend: like.backend.name });
}

/**
 * Upsamples [N, C, L] or [N, C, H, W] by a size or a scale factor, PyTorch's
 * `nn.Upsample` (see {@link interpolate} for the index arithmetic).
 *
 * @example
 * ```ts
 * new Upsample({ scaleFactor: 2, mode: 'nearest' }).forward(randn([1, 3, 4, 4])).shape; // [1, 3, 8, 8]
 * ```
 */
export class Upsample extends Module<[Tensor], Tensor> {
  /** Creates the layer; give `size` or `scaleFactor`. */
  constructor(readonly options: InterpolateOptions) {
    super();
    if ((options.size === undefined) === (options.scaleFactor === undefined)) throw new ArgumentError('Upsample', 'give exactly one of size and scaleFactor');
  }
  /** Resizes `x`. */
  forward(x: Tensor): Tensor {
    return interpolate(x, this.options);
  }
  /** `scale_factor=2.0, mode='nearest'` (or `size=…`), as PyTorch prints it. */
  override extraRepr(): string {
    const o = this.options;
    const sf = o.scaleFactor;
    const info =
      sf !== undefined
        ? `scale_factor=${typeof sf === 'number' ? pyFloat(sf) : `(${sf.map(pyFloat).join(', ')})`}`
        : `size=${typeof o.size === 'number' ? o.size : pyTuple(o.size!)}`;
    return `${info}, mode='${o.mode ?? 'nearest'}'`;
  }
}
