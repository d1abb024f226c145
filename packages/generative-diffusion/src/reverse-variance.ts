import { ArgumentError } from '@webgrad/core-tensor';

/**
 * The fixed variance σₜ² of the reverse step p_θ(z_{t−1} | zₜ) =
 * N(μ_θ(zₜ, t), σₜ² I) (Ho et al. 2020 found both choices give similar
 * samples):
 * - `'posterior'`: σₜ² = β̃ₜ, the posterior variance, optimal when the data
 *   is a single point;
 * - `'beta'`: σₜ² = βₜ, optimal for x ~ N(0, I).
 *
 * For the likelihood the first step's variance is clipped to β̃₂ in both
 * cases (β̃₁ = 0), see `DiffusionSchedule.posteriorLogVarianceClipped`.
 */
export type ReverseVariance = 'posterior' | 'beta';

/** The schedule coefficient holding log σₜ² for a `ReverseVariance`. */
export function reverseLogVarianceName(
  op: string,
  kind: ReverseVariance,
): 'posteriorLogVarianceClipped' | 'betaLogVarianceClipped' {
  if (kind === 'posterior') return 'posteriorLogVarianceClipped';
  if (kind === 'beta') return 'betaLogVarianceClipped';
  throw new ArgumentError(op, `variance must be 'posterior' or 'beta', got '${String(kind)}'`);
}
