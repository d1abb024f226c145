import { ArgumentError, bernoulli, type Generator, type Tensor } from '@webgrad/core-tensor';
import { Module } from '@webgrad/nn';
import { pyBool, pyFloat } from './python-repr.js';

/** Options of the dropout modules and functions. */
export interface DropoutOptions {
  /** The random stream the masks come from (default: core-tensor's default generator, seeded by `manualSeed`). */
  generator?: Generator;
}

/**
 * Inverted dropout, PyTorch's `F.dropout`: in training each element is kept
 * with probability q = 1 − p and the kept ones are scaled by 1/q, so
 * E[output] = input and nothing changes at test time. The mask is a draw of
 * core-tensor's Philox stream, the same on every backend for the same seed.
 * With `training` false (or p = 0) the input is returned unchanged.
 *
 * @example
 * ```ts
 * manualSeed(0);
 * dropout(ones([2, 4]), 0.5); // each entry 0 or 2
 * ```
 */
export function dropout(x: Tensor, p = 0.5, training = true, options: DropoutOptions = {}): Tensor {
  checkDropoutProbability('dropout', p);
  if (!training || p === 0 || x.size === 0) return x;
  if (p === 1) return x.mul(0);
  return x.mul(keepMask(x, x.shape, p, options).div(1 - p));
}

/**
 * The base of the dropout layers: the drop probability `p`, validated once,
 * and the options (the mask's random stream); prints like PyTorch.
 */
export abstract class DropoutLayer extends Module<[Tensor], Tensor> {
  /** Probability of dropping an element (or channel). */
  readonly p: number;
  /** The options the layer was made with. */
  readonly options: DropoutOptions;

  /** Validates p (0 ≤ p ≤ 1) in the name of the layer `name`. */
  protected constructor(name: string, p: number, options: DropoutOptions) {
    super();
    checkDropoutProbability(name, p);
    this.p = p;
    this.options = options;
  }

  /** `p=0.5, inplace=False` */
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(false)}`;
  }
}

/**
 * Inverted dropout as a layer (PyTorch's `nn.Dropout`): active in training
 * mode, the identity in eval mode.
 *
 * @example
 * ```ts
 * const net = new Sequential(new Linear(64, 128), new ReLU(), new Dropout(0.2), new Linear(128, 10));
 * net.eval(); // dropout now passes activations through
 * ```
 */
export class Dropout extends DropoutLayer {
  /** Creates the layer; throws unless 0 ≤ p ≤ 1. */
  constructor(p = 0.5, options: DropoutOptions = {}) {
    super('Dropout', p, options);
  }

  /** Drops elements in training mode. */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.options);
  }
}

/** Throws PyTorch's error unless 0 ≤ p ≤ 1. */
export function checkDropoutProbability(op: string, p: number): void {
  if (!(p >= 0 && p <= 1))
    throw new ArgumentError(op, `dropout probability has to be between 0 and 1, but got ${p}`);
}

/**
 * A 0/1 mask of `shape` in `x`'s dtype and backend, each entry 1 with
 * probability 1 − p (drawn from the Philox stream).
 */
export function keepMask(
  x: Tensor,
  shape: readonly number[],
  p: number,
  options: DropoutOptions,
): Tensor {
  return bernoulli(1 - p, shape, {
    dtype: x.dtype === 'float64' ? 'float64' : 'float32',
    backend: x.backend.name,
    ...(options.generator ? { generator: options.generator } : {}),
  });
}
