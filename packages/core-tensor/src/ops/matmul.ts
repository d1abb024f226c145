import { runKernel1 } from '../dispatch.js';
import { isFloatDType, promoteTypes } from '../dtype.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './elementwise.js';
import { expand } from './expand.js';
import { reshape } from './reshape.js';

/**
 * Matrix product with PyTorch's `matmul` rules: 1-D operands are vectors
 * (dot product, matrix-vector, vector-matrix), ≥3-D operands are batches of
 * matrices whose batch axes broadcast.
 *
 * @example
 * ```ts
 * matmul(randn([8, 2, 3]), randn([3, 4])).shape // [8, 2, 4]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  a.assertAlive('matmul');
  b.assertAlive('matmul');
  if (a.rank === 0 || b.rank === 0) throw new ShapeError('matmul', `both operands need at least one axis, got ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
  const dtype = promoteTypes(a.dtype, b.dtype);
  if (!isFloatDType(dtype)) throw new DTypeError('matmul', `expected floating-point operands, got ${a.dtype} @ ${b.dtype}`);
  const av = a.rank === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const bv = b.rank === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  const M = av.shape[av.rank - 2]!;
  const K = av.shape[av.rank - 1]!;
  const K2 = bv.shape[bv.rank - 2]!;
  const N = bv.shape[bv.rank - 1]!;
  if (K !== K2) throw new ShapeError('matmul', `inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
  const batchA = av.shape.slice(0, -2);
  const batchB = bv.shape.slice(0, -2);
  const batch = broadcastShapes('matmul', batchA, batchB);
  const a3 = batchOperand(cast(av, dtype), batchA, batch, M, K);
  const b3 = batchOperand(cast(bv, dtype), batchB, batch, K, N);
  const c = batchMatmul(a3, b3, false, false);
  let outShape = [...batch, M, N];
  if (a.rank === 1) outShape = outShape.filter((_, i) => i !== outShape.length - 2);
  if (b.rank === 1) outShape = outShape.slice(0, -1);
  return reshape(c, outShape);
}

function batchOperand(x: Tensor, own: readonly number[], batch: readonly number[], r: number, c: number): Tensor {
  const ownSize = sizeOf(own);
  if (ownSize === 1 || own.length === batch.length && own.every((d, i) => d === batch[i])) return reshape(x, [ownSize, r, c]);
  // a batch broadcast that is not all-or-nothing: materialise it
  return reshape(expand(x, [...batch, r, c]), [sizeOf(batch), r, c]);
}

/**
 * The batched matrix product kernel on rank-3 operands, with optional
 * transposed operands that are never materialised: computes op(a) @ op(b)
 * where op transposes the last two axes when its flag is set. A batch length
 * of 1 broadcasts. Used by `matmul` and by its gradient.
 */
export function batchMatmul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  if (a.rank !== 3 || b.rank !== 3) throw new ShapeError('batchMatmul', `expected rank-3 operands, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  const K = transposeA ? a.shape[1]! : a.shape[2]!;
  const K2 = transposeB ? b.shape[2]! : b.shape[1]!;
  if (K !== K2) throw new ShapeError('batchMatmul', `inner dimensions differ: ${fmtShape(a.shape)}${transposeA ? 'ᵀ' : ''} @ ${fmtShape(b.shape)}${transposeB ? 'ᵀ' : ''}`);
  if (a.shape[0] !== b.shape[0] && a.shape[0] !== 1 && b.shape[0] !== 1) {
    throw new ShapeError('batchMatmul', `batch lengths differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
  }
  const dtype = promoteTypes(a.dtype, b.dtype);
  return runKernel1('matmul', [cast(a, dtype), cast(b, dtype)], { transposeA, transposeB });
}
