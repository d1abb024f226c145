import {
  ArgumentError,
  ShapeError,
  fmtShape,
  shapesEqual,
  type Tensor,
} from '@webgrad/core-tensor';
import { binaryCrossEntropyWithLogits } from '@webgrad/nn';

/**
 * The decoder's likelihood p(x | z): `'bernoulli'` (the decoder outputs
 * logits; data in [0, 1], binary for a true likelihood) or `'gaussian'` (the
 * decoder outputs the mean μ(z) of N(μ(z), σ² I) with a fixed σ).
 */
export type Likelihood = 'bernoulli' | 'gaussian';

/** Options of the likelihood functions. */
export interface LikelihoodOptions {
  /** σ of the Gaussian likelihood (default 1); ignored for Bernoulli. */
  decoderStd?: number;
}

/**
 * The reconstruction term of the loss, −log p(x | z) up to a constant, one
 * value per example (summed over every non-batch axis), shape [N]:
 *
 * - Bernoulli: Σ_i BCE(logit_i, x_i) = −Σ_i [x_i log p_i + (1 − x_i) log(1 − p_i)], p = sigmoid(logit),
 *   computed from the logits (stable for any logit);
 * - Gaussian: ‖x − μ(z)‖² / (2σ²), the course's ½‖x − μ(z)‖² for σ = 1.
 *
 * @example
 * ```ts
 * reconstructionLoss(decoderOutput, x, 'bernoulli'); // [N] nats
 * ```
 */
export function reconstructionLoss(
  output: Tensor,
  x: Tensor,
  likelihood: Likelihood,
  options: LikelihoodOptions = {},
): Tensor {
  const op = 'reconstructionLoss';
  checkPair(op, output, x);
  if (likelihood === 'bernoulli')
    return perExampleSum(binaryCrossEntropyWithLogits(output, x, { reduction: 'none' }));
  const sigma = checkStd(op, likelihood, options.decoderStd);
  return perExampleSum(output.sub(x).square()).div(2 * sigma * sigma);
}

/**
 * log p(x | z) exactly, one value per example, shape [N]: the negative
 * reconstruction loss, minus the Gaussian's normaliser (D/2)·log(2πσ²) over
 * the D values of an example (nothing for Bernoulli).
 */
export function logLikelihood(
  output: Tensor,
  x: Tensor,
  likelihood: Likelihood,
  options: LikelihoodOptions = {},
): Tensor {
  const rec = reconstructionLoss(output, x, likelihood, options);
  if (likelihood === 'bernoulli') return rec.neg();
  const sigma = checkStd('logLikelihood', likelihood, options.decoderStd);
  const d = x.size / x.shape[0]!;
  return rec.neg().sub((d / 2) * Math.log(2 * Math.PI * sigma * sigma));
}

/** E[x | z], the picture a decoder output stands for: sigmoid(logits) for Bernoulli, μ(z) for Gaussian. */
export function likelihoodMean(output: Tensor, likelihood: Likelihood): Tensor {
  checkLikelihood('likelihoodMean', likelihood);
  return likelihood === 'bernoulli' ? output.sigmoid() : output;
}

/** Throws unless `likelihood` names a supported likelihood. */
export function checkLikelihood(op: string, likelihood: Likelihood): void {
  if (likelihood !== 'bernoulli' && likelihood !== 'gaussian')
    throw new ArgumentError(
      op,
      `likelihood must be 'bernoulli' or 'gaussian', got '${String(likelihood)}'`,
    );
}

function checkStd(op: string, likelihood: Likelihood, decoderStd: number | undefined): number {
  checkLikelihood(op, likelihood);
  const sigma = decoderStd ?? 1;
  if (!(sigma > 0) || !Number.isFinite(sigma))
    throw new ArgumentError(op, `decoderStd must be a positive number, got ${sigma}`);
  return sigma;
}

function checkPair(op: string, output: Tensor, x: Tensor): void {
  if (x.rank < 1 || !shapesEqual(output.shape, x.shape))
    throw new ShapeError(
      op,
      `expected the decoder output to have the data's shape [N, ...], got output ${fmtShape(output.shape)} and x ${fmtShape(x.shape)}`,
    );
}

function perExampleSum(t: Tensor): Tensor {
  return t.rank === 1 ? t : t.reshape([t.shape[0]!, -1]).sum(1);
}
