/**
 * @packageDocumentation
 * Regularisation for webgrad, with PyTorch's semantics: L1/L2 penalties and
 * weight decay, dropout (inverted, the course's test-time scaling, channel
 * and alpha dropout), batch/layer/group normalisation, gradient clipping,
 * input noise, early stopping, the sparse-autoencoder KL penalty and a
 * bias–variance estimator.
 */
export type { ParameterSource } from './parameter-source.js';
export { l1Penalty, l2Penalty } from './penalties.js';
export {
  weightDecayGroups,
  decoupledWeightDecay_,
  type WeightDecayGroup,
  type WeightDecayGroupsOptions,
} from './weight-decay.js';
export {
  dropout,
  Dropout,
  DropoutLayer,
  checkDropoutProbability,
  type DropoutOptions,
} from './dropout.js';
export { ScaledWeightDropout } from './scaled-weight-dropout.js';
export { dropout2d, Dropout2d } from './dropout2d.js';
export { alphaDropout, AlphaDropout } from './alpha-dropout.js';
export type { FloatDType } from './norm-options.js';
export {
  batchNorm,
  BatchNormBase,
  BatchNorm1d,
  BatchNorm2d,
  type BatchNormOptions,
  type BatchNormFunctionOptions,
} from './batch-norm.js';
export {
  layerNorm,
  LayerNorm,
  type LayerNormOptions,
  type LayerNormFunctionOptions,
} from './layer-norm.js';
export {
  groupNorm,
  GroupNorm,
  type GroupNormOptions,
  type GroupNormFunctionOptions,
} from './group-norm.js';
export { clipGradNorm, clipGradValue } from './clip-grad.js';
export { gaussianNoise, GaussianNoise, type GaussianNoiseOptions } from './gaussian-noise.js';
export {
  EarlyStopping,
  type EarlyStoppingOptions,
  type EarlyStoppingState,
  type HasStateDict,
} from './early-stopping.js';
export { sparsityPenalty } from './sparsity-penalty.js';
export {
  biasVariance,
  type BiasVarianceOptions,
  type BiasVarianceResult,
  type Predictor,
} from './bias-variance.js';
