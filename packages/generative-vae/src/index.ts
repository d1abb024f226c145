/**
 * @packageDocumentation
 * Autoencoders and variational autoencoders for webgrad: MLP and
 * convolutional autoencoders, the denoising and the sparse autoencoder
 * (KL(ρ ‖ ρ̂_j) penalty), the VAE with Gaussian encoder, reparameterisation,
 * Bernoulli or Gaussian decoder and closed-form KL, β-VAE and KL warm-up, a
 * conditional VAE; evaluation by the ELBO and the importance-weighted
 * log-likelihood; inverse-CDF sampling; and pictures (samples,
 * reconstructions, interpolations, latent maps) as PNG bytes.
 */
export { klStandardNormal, type KlReduction, type KlStandardNormalOptions } from './gaussian-kl.js';
export { reparameterize, type ReparameterizeOptions } from './reparameterize.js';
export {
  reconstructionLoss,
  logLikelihood,
  likelihoodMean,
  type Likelihood,
  type LikelihoodOptions,
} from './likelihood.js';
export { logMeanExp } from './log-mean-exp.js';
export { klWarmupBeta, type KlWarmupOptions } from './kl-annealing.js';
export { mlpStack, activationModule, type Activation, type MlpStackOptions } from './mlp-stack.js';
export { convEncoder, convDecoder, type ConvStackOptions } from './conv-stack.js';
export { type StepOptimizer } from './train-step.js';
export {
  Autoencoder,
  type AutoencoderOptions,
  type MlpAutoencoderOptions,
  type ConvAutoencoderOptions,
} from './autoencoder.js';
export { corruptInput, type CorruptionKind, type CorruptionOptions } from './input-corruption.js';
export { DenoisingAutoencoder, type DenoisingAutoencoderOptions } from './denoising-autoencoder.js';
export {
  SparseAutoencoder,
  type SparseAutoencoderOptions,
  type SparseAutoencoderLoss,
} from './sparse-autoencoder.js';
export {
  VAE,
  type VAEOptions,
  type MlpVAEOptions,
  type ConvVAEOptions,
  type GaussianPosterior,
  type VAEOutput,
  type VAESampleOptions,
  type VAELossOptions,
  type VAELoss,
  type VAELossValues,
  type ELBOOptions,
  type ImportanceWeightedOptions,
} from './vae.js';
export { trainVAE, type TrainVAEOptions, type VAEEpochStats } from './train-vae.js';
export { interpolateLatents } from './latent-interpolation.js';
export {
  inverseCdfSample,
  exponentialQuantile,
  discreteQuantile,
  tabulatedQuantile,
  type Quantile,
  type InverseCdfSampleOptions,
} from './inverse-cdf.js';
export { normalQuantile, normalCdf } from './normal-quantile.js';
export {
  samplesPng,
  reconstructionsPng,
  interpolationPng,
  latentMapPng,
  latentManifoldPng,
  tensorPng,
  type PictureOptions,
  type Reconstructor,
} from './vae-pictures.js';
