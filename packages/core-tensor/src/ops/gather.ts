import { runKernel1 } from '../dispatch.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { arange } from '../creation.js';
import { cast, eq } from './elementwise.js';
import { reshape, unsqueeze } from './reshape.js';

function assertIndex(op: string, index: Tensor): void {
  index.assertAlive(op);
  if (index.dtype !== 'int32') throw new DTypeError(op, `index must be int32, got ${index.dtype}`);
}

/**
 * `out[i][j] = x[i][index[i][j]]` for `axis` 1 (and likewise for any axis),
 * PyTorch's `gather`: `index` has x's rank and the output has index's shape.
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  assertIndex('gather', index);
  const a = normalizeAxis('gather', axis, x.rank);
  if (index.rank !== x.rank || index.shape.some((d, i) => i !== a && d > x.shape[i]!)) {
    throw new ShapeError('gather', `index ${fmtShape(index.shape)} must have the rank of x ${fmtShape(x.shape)} and no larger lengths off axis ${axis}`);
  }
  return runKernel1('gather', [x, index], { axis: a });
}

/**
 * Adds `src` into a copy of `x` at positions given by `index` along `axis`
 * (PyTorch's `scatter_add`): `out[index[i][j]][j] += src[i][j]` for axis 0.
 */
export function scatterAdd(x: Tensor, axis: number, index: Tensor, src: Tensor): Tensor {
  assertIndex('scatterAdd', index);
  const a = normalizeAxis('scatterAdd', axis, x.rank);
  if (index.rank !== x.rank || src.rank !== x.rank || index.shape.some((d, i) => d > src.shape[i]! || (i !== a && d > x.shape[i]!))) {
    throw new ShapeError('scatterAdd', `index ${fmtShape(index.shape)} must fit src ${fmtShape(src.shape)} and x ${fmtShape(x.shape)} off axis ${axis}`);
  }
  return runKernel1('scatterAdd', [x, index, cast(src, x.dtype)], { axis: a });
}

/**
 * Picks the entries `index` (1-D, or a single index as a rank-0 tensor, which
 * keeps the axis with length 1) of `axis` (`torch.index_select`); used by
 * embeddings.
 */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  assertIndex('indexSelect', index);
  if (index.rank > 1) throw new ShapeError('indexSelect', `index must be 1-D, got ${fmtShape(index.shape)}`);
  const a = normalizeAxis('indexSelect', axis, x.rank);
  return runKernel1('indexSelect', [x, index.rank === 0 ? reshape(index, [1]) : index], { axis: a });
}

/** Adds the slices of `src` into a copy of `x` at entries `index` of `axis` (`torch.index_add`). The adjoint of `indexSelect`. */
export function indexAdd(x: Tensor, axis: number, index: Tensor, src: Tensor): Tensor {
  assertIndex('indexAdd', index);
  const a = normalizeAxis('indexAdd', axis, x.rank);
  if (index.rank === 0) index = reshape(index, [1]);
  if (index.rank !== 1 || src.rank !== x.rank || src.shape[a] !== index.size || src.shape.some((d, i) => i !== a && d !== x.shape[i])) {
    throw new ShapeError('indexAdd', `src ${fmtShape(src.shape)} must match x ${fmtShape(x.shape)} except axis ${axis} of length index.size = ${index.size}`);
  }
  return runKernel1('indexAdd', [x, index, cast(src, x.dtype)], { axis: a });
}

/**
 * One-hot encoding: a trailing axis of `numClasses` with 1 at each index
 * (int32 by default, `torch.nn.functional.one_hot`). `numClasses = -1`
 * takes the largest index + 1. Indices outside [0, numClasses) are refused
 * wherever the values can be read synchronously (the CPU).
 */
export function oneHot(indices: Tensor, numClasses = -1, dtype: 'int32' | 'float32' = 'int32'): Tensor {
  assertIndex('oneHot', indices);
  if (!Number.isInteger(numClasses) || numClasses < -1 || numClasses === 0) {
    throw new ArgumentError('oneHot', `numClasses must be a positive integer or -1, got ${numClasses}`);
  }
  const values = readableValues(indices);
  if (numClasses === -1) {
    if (values === null) throw new ArgumentError('oneHot', `numClasses = -1 needs the indices' values; pass numClasses on the ${indices.backend.name} backend`);
    numClasses = values.reduce((m, v) => Math.max(m, v + 1), 1);
  }
  const bad = values?.find((v) => v < 0 || v >= numClasses);
  if (bad !== undefined) throw new ArgumentError('oneHot', `class values must be in [0, ${numClasses}), got ${bad}`);
  return cast(eq(unsqueeze(indices, -1), arange(numClasses, undefined, 1, { backend: indices.backend.name })), dtype);
}

/** The values of `t` when its backend reads synchronously, else null. */
function readableValues(t: Tensor): number[] | null {
  try {
    return Array.from(t.dataSync());
  } catch {
    return null;
  }
}
