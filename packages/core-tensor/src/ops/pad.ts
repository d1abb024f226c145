import { ArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { full } from '../creation.js';
import { sliceScatter } from './slice.js';

/**
 * Pads with a constant, PyTorch's `F.pad` convention: `padding` lists
 * (before, after) pairs starting from the LAST axis, e.g. `[1, 1, 2, 0]` pads
 * the last axis by 1 on each side and the one before by 2 at the start.
 * Derived from `sliceScatter` into a filled tensor.
 */
export function pad(x: Tensor, padding: readonly number[], value = 0): Tensor {
  x.assertAlive('pad');
  if (padding.length % 2 !== 0 || padding.length / 2 > x.rank) {
    throw new ArgumentError('pad', `padding must hold (before, after) pairs for at most ${x.rank} axes, got [${padding.join(',')}]`);
  }
  if (padding.some((p) => !Number.isInteger(p) || p < 0)) throw new ArgumentError('pad', `padding must be non-negative integers, got [${padding.join(',')}]`);
  const before = x.shape.map(() => 0);
  const shape = x.shape.slice();
  for (let i = 0; i < padding.length / 2; i++) {
    const axis = x.rank - 1 - i;
    before[axis] = padding[2 * i]!;
    shape[axis]! += padding[2 * i]! + padding[2 * i + 1]!;
  }
  const base = full(shape, value, { dtype: x.dtype, backend: x.backend.name });
  return sliceScatter(base, x, { begin: before, step: x.shape.map(() => 1) });
}
