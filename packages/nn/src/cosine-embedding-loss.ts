import { ShapeError, add, clamp, div, eq, fmtShape, mul, shapesEqual, sqrt, sub, sum, where, type Tensor } from '@webgrad/core-tensor';
import { reduceLoss } from './reduction.js';
import type { LossOptions } from './regression-loss.js';

/** Options of `cosineEmbeddingLoss`. */
export interface CosineEmbeddingLossOptions extends LossOptions {
  /** Similarity below which dissimilar pairs cost nothing (default 0; PyTorch suggests [0, 0.5]). */
  margin?: number;
}

/**
 * PyTorch's `F.cosine_embedding_loss`: with cos = ⟨x₁, x₂⟩ / √((‖x₁‖² + 10⁻¹²)(‖x₂‖² + 10⁻¹²))
 * over the last axis, ℓ = 1 − cos where y = 1 and max(0, cos − margin)
 * where y = −1 (0 for any other label). Inputs [N, D] with y [N], or [D] with y [].
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, options: CosineEmbeddingLossOptions = {}): Tensor {
  const op = 'cosineEmbeddingLoss';
  if (!shapesEqual(input1.shape, input2.shape) || (input1.rank !== 1 && input1.rank !== 2)) {
    throw new ShapeError(op, `inputs must both be [N, D] or [D], got ${fmtShape(input1.shape)} and ${fmtShape(input2.shape)}`);
  }
  if (!shapesEqual(target.shape, input1.shape.slice(0, -1))) {
    throw new ShapeError(op, `target must have shape ${fmtShape(input1.shape.slice(0, -1))} for inputs ${fmtShape(input1.shape)}, got ${fmtShape(target.shape)}`);
  }
  const EPSILON = 1e-12;
  const dot = sum(mul(input1, input2), -1);
  const m1 = add(sum(mul(input1, input1), -1), EPSILON);
  const m2 = add(sum(mul(input2, input2), -1), EPSILON);
  const cos = div(dot, sqrt(mul(m1, m2)));
  const pos = where(eq(target, 1), sub(1, cos), 0);
  const neg = where(eq(target, -1), clamp(sub(cos, options.margin ?? 0), 0), 0);
  return reduceLoss(op, add(pos, neg), options.reduction ?? 'mean');
}
