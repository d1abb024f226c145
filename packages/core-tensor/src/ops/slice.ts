import { runKernel1 } from '../dispatch.js';
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { normalizeAxes, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { reshape } from './reshape.js';

/**
 * How to index one axis in `slice`: `null` keeps the whole axis, a number
 * picks one index and drops the axis (like `x[2]`), `[start, end, step]` or
 * `{ start, end, step }` take a Python-style range (negatives count from the
 * end; a negative step walks backwards).
 */
export type SliceSpec =
  | null
  | number
  | readonly [start?: number | null, end?: number | null, step?: number | null]
  | { start?: number | null; end?: number | null; step?: number | null };

/** Normalised strided window over every axis, as the slice kernels take it. */
export interface SliceWindow {
  /** First index per axis. */
  begin: number[];
  /** Step per axis (may be negative). */
  step: number[];
  /** Output length per axis. */
  shape: number[];
}

/**
 * Takes a strided window of `x`, like Python indexing `x[1:3, ::2]`: one
 * spec per leading axis; missing trailing axes are kept whole.
 *
 * @example
 * ```ts
 * slice(x, [[1, 3], null, [null, null, 2]]) // x[1:3, :, ::2]
 * ```
 */
export function slice(x: Tensor, specs: readonly SliceSpec[]): Tensor {
  x.assertAlive('slice');
  if (specs.length > x.rank) throw new ShapeError('slice', `${specs.length} indices for a tensor of rank ${x.rank} ${fmtShape(x.shape)}`);
  const w: SliceWindow = { begin: [], step: [], shape: [] };
  const drop: number[] = [];
  for (let a = 0; a < x.rank; a++) {
    const n = x.shape[a]!;
    const s = specs[a] ?? null;
    if (typeof s === 'number') {
      if (!Number.isInteger(s) || s < -n || s >= n) throw new ShapeError('slice', `index ${s} is out of range for axis ${a} of length ${n}`);
      w.begin.push(s < 0 ? s + n : s);
      w.step.push(1);
      w.shape.push(1);
      drop.push(a);
      continue;
    }
    const [start, end, step] = s === null ? [null, null, null] : Array.isArray(s) ? [s[0] ?? null, s[1] ?? null, s[2] ?? null] : [(s as { start?: number | null }).start ?? null, (s as { end?: number | null }).end ?? null, (s as { step?: number | null }).step ?? null];
    const r = resolveRange(n, start, end, step);
    w.begin.push(r.begin);
    w.step.push(r.step);
    w.shape.push(r.length);
  }
  const out = sliceWindow(x, w);
  return drop.length ? reshape(out, out.shape.filter((_, i) => !drop.includes(i))) : out;
}

/** Runs the slice kernel for an already normalised window. */
export function sliceWindow(x: Tensor, w: SliceWindow): Tensor {
  if (w.shape.every((d, i) => d === x.shape[i]) && w.begin.every((b) => b === 0) && w.step.every((s) => s === 1)) return x;
  return runKernel1('slice', [x], { begin: w.begin, step: w.step, shape: w.shape });
}

/**
 * Writes `src` into a copy of `base` at the window (PyTorch's
 * `slice_scatter`, over several axes). The adjoint of `slice`.
 */
export function sliceScatter(base: Tensor, src: Tensor, w: { begin: readonly number[]; step: readonly number[] }): Tensor {
  base.assertAlive('sliceScatter');
  if (src.rank !== base.rank) throw new ShapeError('sliceScatter', `src ${fmtShape(src.shape)} and base ${fmtShape(base.shape)} differ in rank`);
  for (let a = 0; a < base.rank; a++) {
    const last = w.begin[a]! + (src.shape[a]! - 1) * w.step[a]!;
    if (src.shape[a]! > 0 && (w.begin[a]! < 0 || w.begin[a]! >= base.shape[a]! || last < 0 || last >= base.shape[a]!)) {
      throw new ShapeError('sliceScatter', `window on axis ${a} does not fit base ${fmtShape(base.shape)}`);
    }
  }
  if (src.dtype !== base.dtype) throw new ArgumentError('sliceScatter', `src dtype ${src.dtype} differs from base dtype ${base.dtype}`);
  return runKernel1('sliceScatter', [base, src], { begin: w.begin.slice(), step: w.step.slice() });
}

/** `length` elements of `axis` starting at `start` (`torch.narrow`). */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  const a = normalizeAxis('narrow', axis, x.rank);
  const n = x.shape[a]!;
  const s = start < 0 ? start + n : start;
  if (!Number.isInteger(length) || length < 0 || s < 0 || s + length > n) {
    throw new ShapeError('narrow', `start ${start} and length ${length} do not fit axis ${axis} of length ${n}`);
  }
  const specs: SliceSpec[] = x.shape.map(() => null);
  specs[a] = [s, s + length];
  return slice(x, specs);
}

/** The slice at `index` of `axis`, with that axis removed (`torch.select`). */
export function select(x: Tensor, axis: number, index: number): Tensor {
  const a = normalizeAxis('select', axis, x.rank);
  const specs: SliceSpec[] = x.shape.map(() => null);
  specs[a] = index;
  return slice(x, specs);
}

/** Reverses the order of elements along `axes` (`torch.flip`). */
export function flip(x: Tensor, axes: number | readonly number[]): Tensor {
  const ax = normalizeAxes('flip', axes, x.rank);
  return runKernel1('slice', [x], {
    begin: x.shape.map((d, i) => (ax.includes(i) ? d - 1 : 0)),
    step: x.shape.map((_, i) => (ax.includes(i) ? -1 : 1)),
    shape: x.shape.slice(),
  });
}

/**
 * Splits along `axis` into pieces of `size` (the last may be smaller) or into
 * pieces of the given `sections` lengths (`torch.split`).
 */
export function split(x: Tensor, sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
  const a = normalizeAxis('split', axis, x.rank);
  const n = x.shape[a]!;
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0) throw new ArgumentError('split', `split size must be a positive integer, got ${sizeOrSections}`);
    sizes = [];
    for (let s = 0; s < n; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - s));
    if (n === 0) sizes = [0];
  } else {
    sizes = sizeOrSections.slice();
    if (sizes.reduce((p, c) => p + c, 0) !== n || sizes.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new ShapeError('split', `sections [${sizes.join(',')}] do not add up to axis ${axis} of length ${n}`);
    }
  }
  const out: Tensor[] = [];
  let start = 0;
  for (const s of sizes) {
    out.push(narrow(x, a, start, s));
    start += s;
  }
  return out;
}

/** Splits along `axis` into `chunks` nearly equal pieces (`torch.chunk`). */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ArgumentError('chunk', `chunks must be a positive integer, got ${chunks}`);
  const a = normalizeAxis('chunk', axis, x.rank);
  const size = Math.ceil(x.shape[a]! / chunks);
  return split(x, Math.max(size, 1), a);
}

function resolveRange(n: number, start: number | null, end: number | null, step: number | null): { begin: number; step: number; length: number } {
  const st = step ?? 1;
  if (!Number.isInteger(st) || st === 0) throw new ArgumentError('slice', `step must be a non-zero integer, got ${step}`);
  const norm = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  let b: number;
  let e: number;
  if (st > 0) {
    b = start === null ? 0 : norm(start, 0, n);
    e = end === null ? n : norm(end, 0, n);
  } else {
    b = start === null ? n - 1 : norm(start, -1, n - 1);
    e = end === null ? -1 : norm(end, -1, n - 1);
  }
  const length = Math.max(0, Math.ceil((e - b) / st));
  return { begin: length > 0 ? b : 0, step: st, length };
}
