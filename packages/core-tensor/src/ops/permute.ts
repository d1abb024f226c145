import { runKernel1 } from '../dispatch.js';
import { ArgumentError } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { reshape } from './reshape.js';

/** Reorders axes: output axis i is input axis `axes[i]` (`torch.permute`). A copy. */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  x.assertAlive('permute');
  if (axes.length !== x.rank) throw new ArgumentError('permute', `expected ${x.rank} axes for a tensor of shape [${x.shape.join(',')}], got [${axes.join(',')}]`);
  const perm = axes.map((a) => normalizeAxis('permute', a, x.rank));
  if (new Set(perm).size !== perm.length) throw new ArgumentError('permute', `axes [${axes.join(',')}] repeat an axis`);
  if (perm.every((p, i) => p === i)) return x;
  // moving only length-1 axes is a reshape
  const moved = perm.filter((p) => x.shape[p] !== 1);
  if (moved.every((p, i) => i === 0 || p > moved[i - 1]!)) return reshape(x, perm.map((p) => x.shape[p]!));
  return runKernel1('permute', [x], { axes: perm });
}

/** Swaps two axes (the last two by default), like `torch.transpose`. */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  if (x.rank < 2) return x;
  const a = normalizeAxis('transpose', axis0, x.rank);
  const b = normalizeAxis('transpose', axis1, x.rank);
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}
