import type { Tensor } from '@webgrad/core-tensor';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, type BinaryCrossEntropyOptions, type BinaryCrossEntropyWithLogitsOptions } from './binary-cross-entropy.js';
import { cosineEmbeddingLoss, type CosineEmbeddingLossOptions } from './cosine-embedding-loss.js';
import { crossEntropy, nllLoss, type CrossEntropyOptions, type NllLossOptions } from './cross-entropy.js';
import { gaussianNllLoss, type GaussianNllLossOptions } from './gaussian-nll-loss.js';
import { klDiv, type KlDivOptions } from './kl-div.js';
import { Module } from './module.js';
import {
  halfSquaredError,
  huberLoss,
  l1Loss,
  mseLoss,
  smoothL1Loss,
  type HalfSquaredErrorOptions,
  type HuberLossOptions,
  type LossOptions,
  type SmoothL1LossOptions,
} from './regression-loss.js';

/**
 * The loss modules, PyTorch's `nn.MSELoss`, `nn.CrossEntropyLoss`, …: each
 * keeps its options and calls the functional form. Class weights are
 * registered as buffers named as in PyTorch (`weight`, `pos_weight`), so they
 * appear in the state dict.
 */

/** A loss module: `forward(input, target)` returns the loss. */
abstract class PairLoss<O> extends Module<[Tensor, Tensor], Tensor> {
  /** The options the module was built with. */
  readonly options: O;
  constructor(options: O) {
    super();
    this.options = options;
  }
}

/** Mean squared error module ({@link mseLoss}). */
export class MSELoss extends PairLoss<LossOptions> {
  /** Creates the loss (`reduction` default `'mean'`). */
  constructor(options: LossOptions = {}) {
    super(options);
  }
  /** The loss of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.options);
  }
}

/** The course's ½‖y − d‖² as a module ({@link halfSquaredError}). */
export class HalfSquaredErrorLoss extends PairLoss<HalfSquaredErrorOptions> {
  /** Creates the loss (`reduction` default `'sum'`). */
  constructor(options: HalfSquaredErrorOptions = {}) {
    super(options);
  }
  /** The loss of output `y` against desired output `d`. */
  forward(y: Tensor, d: Tensor): Tensor {
    return halfSquaredError(y, d, this.options);
  }
}

/** Mean absolute error module ({@link l1Loss}). */
export class L1Loss extends PairLoss<LossOptions> {
  /** Creates the loss. */
  constructor(options: LossOptions = {}) {
    super(options);
  }
  /** The loss of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this.options);
  }
}

/** Smooth L1 module ({@link smoothL1Loss}). */
export class SmoothL1Loss extends PairLoss<SmoothL1LossOptions> {
  /** Creates the loss (`beta` default 1). */
  constructor(options: SmoothL1LossOptions = {}) {
    super(options);
  }
  /** The loss of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, this.options);
  }
}

/** Huber module ({@link huberLoss}). */
export class HuberLoss extends PairLoss<HuberLossOptions> {
  /** Creates the loss (`delta` default 1). */
  constructor(options: HuberLossOptions = {}) {
    super(options);
  }
  /** The loss of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, this.options);
  }
}

/** Binary cross-entropy module on probabilities ({@link binaryCrossEntropy}). */
export class BCELoss extends PairLoss<BinaryCrossEntropyOptions> {
  /** The per-element weight buffer, or null. */
  declare weight: Tensor | null;
  /** Creates the loss. */
  constructor(options: BinaryCrossEntropyOptions = {}) {
    super(options);
    this.registerBuffer('weight', options.weight ?? null);
  }
  /** The loss of probabilities `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { ...this.options, weight: this.weight });
  }
}

/** Binary cross-entropy module on logits ({@link binaryCrossEntropyWithLogits}). */
export class BCEWithLogitsLoss extends PairLoss<BinaryCrossEntropyWithLogitsOptions> {
  /** The per-element weight buffer, or null. */
  declare weight: Tensor | null;
  /** The positive-class weight buffer (`pos_weight`), or null. */
  declare pos_weight: Tensor | null;
  /** Creates the loss. */
  constructor(options: BinaryCrossEntropyWithLogitsOptions = {}) {
    super(options);
    this.registerBuffer('weight', options.weight ?? null);
    this.registerBuffer('pos_weight', options.posWeight ?? null);
  }
  /** The loss of logits `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { ...this.options, weight: this.weight, posWeight: this.pos_weight });
  }
}

/** Cross-entropy module on logits ({@link crossEntropy}). */
export class CrossEntropyLoss extends PairLoss<CrossEntropyOptions> {
  /** The class weight buffer, or null. */
  declare weight: Tensor | null;
  /** Creates the loss. */
  constructor(options: CrossEntropyOptions = {}) {
    super(options);
    this.registerBuffer('weight', options.weight ?? null);
  }
  /** The loss of logits `input` against class indices or probabilities `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, { ...this.options, weight: this.weight });
  }
}

/** Negative log-likelihood module on log-probabilities ({@link nllLoss}). */
export class NLLLoss extends PairLoss<NllLossOptions> {
  /** The class weight buffer, or null. */
  declare weight: Tensor | null;
  /** Creates the loss. */
  constructor(options: NllLossOptions = {}) {
    super(options);
    this.registerBuffer('weight', options.weight ?? null);
  }
  /** The loss of log-probabilities `input` against class indices `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { ...this.options, weight: this.weight });
  }
}

/** Kullback–Leibler divergence module ({@link klDiv}). */
export class KLDivLoss extends PairLoss<KlDivOptions> {
  /** Creates the loss. */
  constructor(options: KlDivOptions = {}) {
    super(options);
  }
  /** KL(target ‖ exp(input)). */
  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, this.options);
  }
}

/** Gaussian negative log-likelihood module ({@link gaussianNllLoss}). */
export class GaussianNLLLoss extends Module<[Tensor, Tensor, Tensor], Tensor> {
  /** The options the module was built with. */
  readonly options: GaussianNllLossOptions;
  /** Creates the loss. */
  constructor(options: GaussianNllLossOptions = {}) {
    super();
    this.options = options;
  }
  /** The loss of `target` under N(input, variance). */
  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return gaussianNllLoss(input, target, variance, this.options);
  }
}

/** Cosine embedding module ({@link cosineEmbeddingLoss}). */
export class CosineEmbeddingLoss extends Module<[Tensor, Tensor, Tensor], Tensor> {
  /** The options the module was built with. */
  readonly options: CosineEmbeddingLossOptions;
  /** Creates the loss. */
  constructor(options: CosineEmbeddingLossOptions = {}) {
    super();
    this.options = options;
  }
  /** The loss of the pairs (input1, input2) labelled ±1 by `target`. */
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(input1, input2, target, this.options);
  }
}
