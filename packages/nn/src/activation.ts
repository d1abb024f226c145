import {
  ArgumentError,
  elu,
  gelu,
  leakyRelu,
  logSoftmax,
  relu,
  sigmoid,
  silu,
  softmax,
  softplus,
  tanh,
  type Tensor,
} from '@webgrad/core-tensor';
import { Module } from './module.js';
import { pyFloat, pyStr } from './python-repr.js';

/**
 * Activation modules, PyTorch's `nn.ReLU`, `nn.GELU`, …: each wraps the
 * functional form of the same name in `@webgrad/core-tensor` (`relu`,
 * `gelu`, …) so it can sit in a `Sequential`.
 */

/** max(0, x), PyTorch's `nn.ReLU`. */
export class ReLU extends Module<[Tensor], Tensor> {
  /** Applies relu. */
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** x for x > 0, else negativeSlope·x, PyTorch's `nn.LeakyReLU`. */
export class LeakyReLU extends Module<[Tensor], Tensor> {
  /** Slope for x < 0. */
  readonly negativeSlope: number;
  /** Creates the module (`negativeSlope` default 0.01, as PyTorch). */
  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = negativeSlope;
  }
  /** Applies leaky relu. */
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
  /** `negative_slope=0.01` */
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}`;
  }
}

/** x for x > 0, else α(eˣ − 1), PyTorch's `nn.ELU`. */
export class ELU extends Module<[Tensor], Tensor> {
  /** α, the saturation value for x → −∞ is −α. */
  readonly alpha: number;
  /** Creates the module (`alpha` default 1). */
  constructor(alpha = 1) {
    super();
    this.alpha = alpha;
  }
  /** Applies elu. */
  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
  /** `alpha=1.0` */
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}`;
  }
}

/** x·Φ(x) (or PyTorch's tanh approximation), PyTorch's `nn.GELU`. */
export class GELU extends Module<[Tensor], Tensor> {
  /** `'none'` (exact, with erf) or `'tanh'`. */
  readonly approximate: 'none' | 'tanh';
  /** Creates the module (`approximate` default `'none'`). */
  constructor(approximate: 'none' | 'tanh' = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') throw new ArgumentError('GELU', `approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
    this.approximate = approximate;
  }
  /** Applies gelu. */
  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
  /** `approximate='none'` */
  override extraRepr(): string {
    return `approximate=${pyStr(this.approximate)}`;
  }
}

/** x·σ(x), PyTorch's `nn.SiLU`. */
export class SiLU extends Module<[Tensor], Tensor> {
  /** Applies silu. */
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/** 1/(1 + e⁻ˣ), PyTorch's `nn.Sigmoid`. */
export class Sigmoid extends Module<[Tensor], Tensor> {
  /** Applies the logistic sigmoid. */
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** tanh(x), PyTorch's `nn.Tanh`. */
export class Tanh extends Module<[Tensor], Tensor> {
  /** Applies tanh. */
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/**
 * The axis PyTorch's softmax modules use when `dim` is None (its legacy
 * `_get_softmax_dim`): 0 for inputs of rank 0, 1 or 3, else 1.
 */
function implicitSoftmaxAxis(rank: number): number {
  return rank === 0 || rank === 1 || rank === 3 ? 0 : 1;
}

/** exp(xᵢ)/Σⱼexp(xⱼ) along axis `dim`, PyTorch's `nn.Softmax(dim)`. */
export class Softmax extends Module<[Tensor], Tensor> {
  /** The axis normalised over (PyTorch's `dim`); undefined picks PyTorch's legacy implicit axis. */
  readonly dim: number | undefined;
  /** Creates the module; pass the axis to normalise over. */
  constructor(dim?: number) {
    super();
    this.dim = dim;
  }
  /** Applies softmax along the axis. */
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim ?? implicitSoftmaxAxis(x.rank));
  }
  /** `dim=1` */
  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}

/** xᵢ − log Σⱼexp(xⱼ) along axis `dim`, PyTorch's `nn.LogSoftmax(dim)`. */
export class LogSoftmax extends Module<[Tensor], Tensor> {
  /** The axis normalised over (PyTorch's `dim`); undefined picks PyTorch's legacy implicit axis. */
  readonly dim: number | undefined;
  /** Creates the module; pass the axis to normalise over. */
  constructor(dim?: number) {
    super();
    this.dim = dim;
  }
  /** Applies log-softmax along the axis. */
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim ?? implicitSoftmaxAxis(x.rank));
  }
  /** `dim=1` */
  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}

/** (1/β)·log(1 + e^{βx}), linear where βx > threshold, PyTorch's `nn.Softplus`. */
export class Softplus extends Module<[Tensor], Tensor> {
  /** β. */
  readonly beta: number;
  /** The linear threshold on βx. */
  readonly threshold: number;
  /** Creates the module (β = 1, threshold = 20 by default, as PyTorch). */
  constructor(beta = 1, threshold = 20) {
    super();
    this.beta = beta;
    this.threshold = threshold;
    if (!(this.beta !== 0 && Number.isFinite(this.beta))) throw new ArgumentError('Softplus', `beta must be a non-zero finite number, got ${this.beta}`);
  }
  /** Applies softplus. */
  forward(x: Tensor): Tensor {
    return softplus(x, this.beta, this.threshold);
  }
  /** `beta=1, threshold=20` */
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}
