import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { full } from '../creation.js';
import { sliceScatter, sliceWindow } from './slice.js';

/**
 * Pads with a constant, PyTorch's `F.pad` convention: `padding` lists
 * (before, after) pairs starting from the LAST axis, e.g. `[1, 1, 2, 0]` pads
 * the last axis by 1 on each side and the one before by 2 at the start.
 * Negative amounts crop, as in PyTorch. Derived from `sliceScatter` into a
 * filled tensor (and `slice` for cropping).
 */
export function pad(x: Tensor, padding: readonly number[], value = 0): Tensor {
  x.assertAlive('pad');
  if (padding.length % 2 !== 0 || padding.length / 2 > x.rank) {
    throw new ArgumentError('pad', `padding must hold (before, after) pairs for at most ${x.rank} axes, got [${padding.join(',')}]`);
  }
  if (padding.some((p) => !Number.isInteger(p))) throw new ArgumentError('pad', `padding must be integers, got [${padding.join(',')}]`);
  const lo = x.shape.map(() => 0);
  const hi = x.shape.map(() => 0);
  for (let i = 0; i < padding.length / 2; i++) {
    lo[x.rank - 1 - i] = padding[2 * i]!;
    hi[x.rank - 1 - i] = padding[2 * i + 1]!;
  }
  // negative amounts crop first
  const kept = x.shape.map((d, a) => d - Math.max(-lo[a]!, 0) - Math.max(-hi[a]!, 0));
  if (kept.some((d) => d < 0)) throw new ShapeError('pad', `padding [${padding.join(',')}] crops input ${fmtShape(x.shape)} below length 0`);
  const cropped = kept.some((d, a) => d !== x.shape[a]) ? sliceWindow(x, { begin: lo.map((l) => Math.max(-l, 0)), step: kept.map(() => 1), shape: kept }) : x;
  const before = lo.map((l) => Math.max(l, 0));
  const shape = kept.map((d, a) => d + before[a]! + Math.max(hi[a]!, 0));
  if (shapesEqual(shape, cropped.shape)) return cropped;
  const base = full(shape, value, { dtype: x.dtype, backend: x.backend.name });
  return sliceScatter(base, cropped, { begin: before, step: kept.map(() => 1) });
}
