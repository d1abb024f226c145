import { runKernel1 } from '../dispatch.js';
import { promoteTypes } from '../dtype.js';
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './elementwise.js';
import { unsqueeze } from './reshape.js';

/** Joins tensors along an existing `axis` (`torch.cat`); all other lengths must agree. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ArgumentError('concat', 'needs at least one tensor');
  const first = tensors[0]!;
  const a = normalizeAxis('concat', axis, first.rank);
  let dtype = first.dtype;
  for (const t of tensors) {
    t.assertAlive('concat');
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError('concat', `shapes ${tensors.map((x) => fmtShape(x.shape)).join(', ')} differ outside axis ${axis}`);
    }
    dtype = promoteTypes(dtype, t.dtype);
  }
  if (tensors.length === 1) return first;
  return runKernel1(
    'concat',
    tensors.map((t) => cast(t, dtype)),
    { axis: a },
  );
}

/** Alias of `concat` under PyTorch's name. */
export const cat = concat;

/** Joins same-shape tensors along a new `axis` (`torch.stack`). */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ArgumentError('stack', 'needs at least one tensor');
  const first = tensors[0]!;
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d, i) => d !== first.shape[i])) {
      throw new ShapeError('stack', `all tensors must have the same shape, got ${tensors.map((x) => fmtShape(x.shape)).join(', ')}`);
    }
  }
  const a = normalizeAxis('stack', axis, first.rank + 1);
  return concat(
    tensors.map((t) => unsqueeze(t, a)),
    a,
  );
}
