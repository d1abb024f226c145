/**
 * @packageDocumentation
 * Denoising diffusion models for webgrad: noise schedules (linear, cosine,
 * custom) with the forward process and its posterior in closed form, ε-, x-
 * and v-prediction losses, sinusoidal time embeddings, an MLP denoiser for
 * vector data and a small U-Net for images, ancestral DDPM and DDIM samplers
 * with classifier-free guidance, and the variational bound in bits per
 * dimension.
 */
import '@webgrad/autograd';

export {
  linearBetas,
  cosineBetas,
  checkBetas,
  type LinearBetasOptions,
  type CosineBetasOptions,
} from './beta-schedules.js';
export {
  DiffusionSchedule,
  type Timesteps,
  type ScheduleCoefficient,
  type GaussianParams,
  type QSampleOptions,
} from './diffusion-schedule.js';
export {
  predictionTarget,
  estimatesFromOutput,
  x0FromEpsilon,
  epsilonFromX0,
  checkPrediction,
  PREDICTIONS,
  type Prediction,
  type DenoisedEstimates,
} from './prediction.js';
export {
  timestepEmbedding,
  SinusoidalTimeEmbedding,
  type TimestepEmbeddingOptions,
} from './timestep-embedding.js';
export type { Denoiser } from './denoiser.js';
export { LabelEmbedding } from './label-embedding.js';
export { MlpDenoiser, MlpBlock, type MlpDenoiserOptions } from './mlp-denoiser.js';
export { UNet, type UNetOptions } from './unet.js';
export { UNetResBlock } from './unet-res-block.js';
export { diffusionLoss, type DiffusionLossOptions } from './diffusion-loss.js';
export { guidedOutput, type GuidanceOptions } from './guided-output.js';
export type { ReverseVariance } from './reverse-variance.js';
export type { SamplerOptions, SamplingResult } from './sampling-run.js';
export { ddpmSample, type DdpmSampleOptions } from './ddpm-sampler.js';
export { ddimSample, ddimTimesteps, type DdimSampleOptions } from './ddim-sampler.js';
export { normalKl } from './normal-kl.js';
export {
  gaussianLogLikelihood,
  discretizedGaussianLogLikelihood,
} from './gaussian-log-likelihood.js';
export {
  variationalBound,
  type VariationalBound,
  type VariationalBoundOptions,
} from './variational-bound.js';
export {
  DDPM,
  type DDPMOptions,
  type DDPMLossOptions,
  type DenoiserModule,
  type StepOptimizer,
} from './ddpm.js';
export {
  sampleGridPng,
  denoisingSequencePng,
  samplesVersusDataPng,
  trajectoryScatterPng,
  type ImagePictureOptions,
  type DenoisingSequenceOptions,
  type ScatterPictureOptions,
} from './diffusion-pictures.js';
export {
  trainDiffusion,
  type TrainDiffusionOptions,
  type DiffusionEpochStats,
} from './train-diffusion.js';
