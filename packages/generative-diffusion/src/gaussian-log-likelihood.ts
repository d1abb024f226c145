import { ArgumentError, maximum, where, type Tensor } from '@webgrad/core-tensor';

/** The smallest probability a discretised bin is given before its log is taken. */
const MIN_PROBABILITY = 1e-12;

/**
 * log N(x; μ, σ²) elementwise, a continuous density, from the mean and the
 * log variance: −½ (log 2π + log σ² + (x − μ)²/σ²).
 */
export function gaussianLogLikelihood(x: Tensor, mean: Tensor, logVar: Tensor): Tensor {
  return x
    .sub(mean)
    .square()
    .mul(logVar.neg().exp())
    .add(logVar)
    .add(Math.log(2 * Math.PI))
    .mul(-0.5);
}

/**
 * The log-probability of discrete data under a Gaussian cut into bins, the
 * decoder p(x | z₁) of Ho et al. (2020) for `levels`-valued data scaled to
 * [−1, 1] (256 levels for 8-bit images; 17 for the 0…16 digits): with bin
 * width Δ = 2/(levels − 1), each value x owns [x − Δ/2, x + Δ/2], except the
 * ends, which own everything beyond them:
 *
 *   P(x) = Φ((x + Δ/2 − μ)/σ) − Φ((x − Δ/2 − μ)/σ),
 *   P(−1) = Φ((−1 + Δ/2 − μ)/σ),   P(1) = 1 − Φ((1 − Δ/2 − μ)/σ),
 *
 * where Φ(y) = ½(1 + erf(y/√2)); probabilities are floored at 1e−12 before
 * the log. The data must already sit on the grid −1, −1 + Δ, …, 1.
 *
 * @example
 * ```ts
 * import { discretizedGaussianLogLikelihood } from '@webgrad/generative-diffusion';
 * import { tensor } from '@webgrad/core-tensor';
 * const x = tensor([-1, 0, 1]);
 * discretizedGaussianLogLikelihood(x, x, tensor([-10, -10, -10]), 3); // ≈ 0 each: all mass in the right bin
 * ```
 */
export function discretizedGaussianLogLikelihood(
  x: Tensor,
  mean: Tensor,
  logVar: Tensor,
  levels = 256,
): Tensor {
  if (!Number.isInteger(levels) || levels < 2) {
    throw new ArgumentError(
      'discretizedGaussianLogLikelihood',
      `levels must be an integer >= 2, got ${levels}`,
    );
  }
  const halfBin = 1 / (levels - 1);
  const centered = x.sub(mean);
  const invStd = logVar.mul(-0.5).exp();
  const cdfPlus = standardNormalCdf(centered.add(halfBin).mul(invStd));
  const cdfMinus = standardNormalCdf(centered.sub(halfBin).mul(invStd));
  const logOf = (p: Tensor): Tensor => maximum(p, MIN_PROBABILITY).log();
  const inner = logOf(cdfPlus.sub(cdfMinus));
  // the ends: within half a bin of ±1 (the grid's first and last values)
  const edge = 1 - halfBin;
  return where(x.lt(-edge), logOf(cdfPlus), where(x.gt(edge), logOf(cdfMinus.neg().add(1)), inner));
}

/** Φ(y) = ½ (1 + erf(y/√2)). */
function standardNormalCdf(y: Tensor): Tensor {
  return y.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
}
