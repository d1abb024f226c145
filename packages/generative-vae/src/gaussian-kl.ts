import {
  ArgumentError,
  ShapeError,
  fmtShape,
  shapesEqual,
  type Tensor,
} from '@webgrad/core-tensor';

/** How `klStandardNormal` reduces the per-example divergences. */
export type KlReduction = 'none' | 'mean' | 'sum';

/** Options of `klStandardNormal`. */
export interface KlStandardNormalOptions {
  /**
   * `'mean'` (default): the average over the batch of each example's KL
   * (summed over the latent dimensions); `'sum'`: the total over the batch;
   * `'none'`: one KL per example, shape [N].
   */
  reduction?: KlReduction;
}

/**
 * The closed-form divergence of a diagonal Gaussian from the standard normal,
 *
 *   KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ_j (μ_j² + σ_j² − 1 − log σ_j²),
 *
 * for the encoder's outputs μ and log σ² (both [N, L]; the sum runs over the
 * L latent dimensions). It is 0 exactly when μ = 0 and σ = 1, and it is the
 * regulariser of the VAE's loss, differentiable in μ and log σ².
 *
 * @example
 * ```ts
 * klStandardNormal(tensor([[0, 0]]), tensor([[0, 0]])).item(); // 0
 * klStandardNormal(tensor([[1]]), tensor([[0]])).item();       // ½
 * ```
 */
export function klStandardNormal(
  mu: Tensor,
  logvar: Tensor,
  options: KlStandardNormalOptions = {},
): Tensor {
  const op = 'klStandardNormal';
  if (mu.rank !== 2 || !shapesEqual(mu.shape, logvar.shape))
    throw new ShapeError(
      op,
      `expected mu and logvar of one shape [N, L], got mu ${fmtShape(mu.shape)} and logvar ${fmtShape(logvar.shape)}`,
    );
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum')
    throw new ArgumentError(
      op,
      `reduction must be 'none', 'mean' or 'sum', got '${String(reduction)}'`,
    );
  const perExample = mu.square().add(logvar.exp()).sub(1).sub(logvar).sum(1).mul(0.5);
  if (reduction === 'none') return perExample;
  return reduction === 'sum' ? perExample.sum() : perExample.mean();
}
