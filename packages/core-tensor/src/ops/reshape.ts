import { makeView } from '../dispatch.js';
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { normalizeAxes, normalizeAxis, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';

/**
 * The same elements with a new shape (a view: no copy). One length may be −1
 * and is inferred. Also `x.view(shape)`.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  x.assertAlive('reshape');
  const out = shape.slice();
  // one pass: validate, find the −1, multiply the known lengths
  let infer = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    const d = out[i]!;
    if (!Number.isInteger(d) || d < -1) throw new ShapeError('reshape', `invalid shape ${fmtShape(shape)}`);
    if (d === -1) {
      if (infer >= 0) throw new ShapeError('reshape', `only one length can be -1, got ${fmtShape(shape)}`);
      infer = i;
    } else {
      known *= d;
    }
  }
  if (infer >= 0) {
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError('reshape', `cannot reshape a tensor of shape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)}`);
    }
    out[infer] = x.size / known;
  } else if (known !== x.size) {
    throw new ShapeError('reshape', `cannot reshape a tensor of shape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)}`);
  }
  if (shapesEqual(out, x.shape)) return x;
  // frozen here, so the view keeps this array instead of copying it
  return makeView('reshape', x, Object.freeze(out));
}

/** Merges axes `startAxis`..`endAxis` (inclusive) into one. */
export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis('flatten', startAxis, x.rank);
  const e = normalizeAxis('flatten', endAxis, x.rank);
  if (s > e) throw new ArgumentError('flatten', `startAxis ${startAxis} comes after endAxis ${endAxis}`);
  const merged = sizeOf(x.shape.slice(s, e + 1));
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** Removes length-1 axes (all of them, or those in `axes`; an axis of other length is left as PyTorch does). */
export function squeeze(x: Tensor, axes?: number | readonly number[]): Tensor {
  const ax = axes === undefined ? x.shape.map((_, i) => i) : normalizeAxes('squeeze', axes, x.rank);
  return reshape(
    x,
    x.shape.filter((d, i) => !(d === 1 && ax.includes(i))),
  );
}

/** Inserts a length-1 axis at `axis` (negative counts from the end of the result). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis('unsqueeze', axis, x.rank + 1);
  const shape = x.shape.slice();
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}
