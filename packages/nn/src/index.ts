/**
 * @packageDocumentation
 * Neural-network building blocks with PyTorch's names, layouts and default
 * initialisation: `Module`, `Parameter`, containers, layers, activations,
 * losses, initialisers and safetensors weights.
 */
import '@webgrad/autograd';

export { Parameter } from './parameter.js';
export { Module, type StateDict, type LoadStateDictResult } from './module.js';
export { Sequential, type TensorModule } from './sequential.js';
export { ModuleList, type AnyModule } from './module-list.js';
export { ModuleDict } from './module-dict.js';
export { Linear, type LinearOptions } from './linear.js';
export { matmulBiasAct, type MatmulBiasActOptions, type MatmulBiasActivation } from './matmul-bias-act.js';
export { Identity } from './identity.js';
export { Flatten, Unflatten } from './flatten.js';
export { embedding, Embedding, type EmbeddingOptions, type EmbeddingFromPretrainedOptions } from './embedding.js';
export {
  Conv1d,
  Conv2d,
  ConvTranspose1d,
  ConvTranspose2d,
  type SpatialSize,
  type ConvLayerOptions,
  type ConvTransposeLayerOptions,
} from './conv.js';
export { type PaddingMode } from './padding-mode.js';
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, type PoolSize, type MaxPoolLayerOptions, type AvgPoolLayerOptions } from './pooling.js';
export { interpolate, Upsample, type UpsampleMode, type InterpolateOptions } from './upsample.js';
export { ReLU, LeakyReLU, ELU, GELU, SiLU, Sigmoid, Tanh, Softmax, LogSoftmax, Softplus } from './activation.js';
export { type Reduction } from './reduction.js';
export {
  mseLoss,
  halfSquaredError,
  l1Loss,
  smoothL1Loss,
  huberLoss,
  type LossOptions,
  type HalfSquaredErrorOptions,
  type SmoothL1LossOptions,
  type HuberLossOptions,
} from './regression-loss.js';
export {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  bce,
  bceWithLogits,
  type BinaryCrossEntropyOptions,
  type BinaryCrossEntropyWithLogitsOptions,
} from './binary-cross-entropy.js';
export { crossEntropy, nllLoss, type CrossEntropyOptions, type NllLossOptions } from './cross-entropy.js';
export { klDiv, type KlDivOptions } from './kl-div.js';
export { gaussianNllLoss, type GaussianNllLossOptions } from './gaussian-nll-loss.js';
export { cosineEmbeddingLoss, type CosineEmbeddingLossOptions } from './cosine-embedding-loss.js';
export {
  MSELoss,
  HalfSquaredErrorLoss,
  L1Loss,
  SmoothL1Loss,
  HuberLoss,
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  NLLLoss,
  KLDivLoss,
  GaussianNLLLoss,
  CosineEmbeddingLoss,
} from './loss-module.js';
export {
  calculateGain,
  calculateFanInAndFanOut,
  uniform_,
  normal_,
  constant_,
  zeros_,
  ones_,
  eye_,
  xavierUniform_,
  xavierNormal_,
  kaimingUniform_,
  kaimingNormal_,
  orthogonal_,
  type Nonlinearity,
  type FanMode,
  type KaimingOptions,
} from './init.js';
export {
  saveSafetensors,
  saveSafetensorsAsync,
  loadSafetensors,
  SafetensorsError,
  type SafetensorsContents,
  type LoadSafetensorsOptions,
  type SafetensorsDType,
} from './safetensors.js';
export { saveSafetensorsFile, loadSafetensorsFile, writeFileAtomic } from './safetensors-file.js';
