import { ArgumentError, ShapeError, fmtShape, log, type Tensor } from '@webgrad/core-tensor';

/**
 * The sparse-autoencoder penalty β·Σ_j KL(ρ ‖ ρ̂_j), with ρ̂_j the mean
 * activation of hidden unit j over the batch and
 *
 *   KL(ρ ‖ ρ̂) = ρ·log(ρ/ρ̂) + (1 − ρ)·log((1 − ρ)/(1 − ρ̂)),
 *
 * the divergence between Bernoulli(ρ) and Bernoulli(ρ̂). It is 0 when
 * ρ̂_j = ρ and grows without bound as ρ̂_j → 0 or 1, so with a small target
 * ρ (e.g. 0.05) it keeps each unit inactive most of the time.
 *
 * @param activations - [N, H] activations in (0, 1) (sigmoid outputs); N samples, H hidden units.
 * @param rho - the target mean activation ρ ∈ (0, 1).
 * @param beta - the penalty's weight β ≥ 0 (default 1).
 *
 * @example
 * ```ts
 * const h = sigmoid(encoder.forward(x));
 * const loss = mseLoss(decoder.forward(h), x).add(sparsityPenalty(h, 0.05, 3));
 * ```
 */
export function sparsityPenalty(activations: Tensor, rho: number, beta = 1): Tensor {
  if (activations.rank !== 2)
    throw new ShapeError(
      'sparsityPenalty',
      `expected activations [N, H], got ${fmtShape(activations.shape)}`,
    );
  if (!(rho > 0 && rho < 1))
    throw new ArgumentError('sparsityPenalty', `rho must be in (0, 1), got ${rho}`);
  if (!(beta >= 0)) throw new ArgumentError('sparsityPenalty', `beta must be >= 0, got ${beta}`);
  const rhoHat = activations.mean(0);
  // ρ log ρ/ρ̂ + (1−ρ) log (1−ρ)/(1−ρ̂) = ρ log ρ + (1−ρ) log(1−ρ) − ρ log ρ̂ − (1−ρ) log(1−ρ̂)
  const constant = rho * Math.log(rho) + (1 - rho) * Math.log(1 - rho);
  const kl = log(rhoHat)
    .mul(-rho)
    .sub(log(rhoHat.neg().add(1)).mul(1 - rho))
    .add(constant);
  return kl.sum().mul(beta);
}
