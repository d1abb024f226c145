import { zeros, type Tensor } from '@webgrad/core-tensor';
import { Module, Parameter, normal_ } from '@webgrad/nn';
import { positionRows } from './sinusoidal-positional-encoding.js';

/** Options of `LearnedPositionalEmbedding`. */
export interface LearnedPositionalEmbeddingOptions {
  /** Inputs are [batch, length, dModel] (default false: [length, batch, dModel]). */
  batchFirst?: boolean;
  /** Standard deviation of the N(0, σ²) initialisation (default 0.02, GPT-2's). */
  std?: number;
}

/**
 * Learned absolute positions (BERT, GPT-2): a table `weight` [maxLen, dModel]
 * whose row p is added to the token at position p, y = x + W[offset : offset+T].
 * Unlike the sinusoidal encodings it cannot extrapolate beyond maxLen.
 *
 * @example
 * ```ts
 * const pos = new LearnedPositionalEmbedding(128, 64, { batchFirst: true });
 * const y = pos.forward(tokens); // tokens [N, T ≤ 128, 64]
 * ```
 */
export class LearnedPositionalEmbedding extends Module<[Tensor, number?], Tensor> {
  /** The table [maxLen, dModel]. */
  weight: Parameter;
  /** Whether inputs are batch first. */
  readonly batchFirst: boolean;

  /** A table of maxLen positions, initialised N(0, std²). */
  constructor(
    readonly maxLen: number,
    readonly dModel: number,
    options: LearnedPositionalEmbeddingOptions = {},
  ) {
    super();
    this.batchFirst = options.batchFirst ?? false;
    this.weight = new Parameter(zeros([maxLen, dModel]));
    normal_(this.weight, 0, options.std ?? 0.02);
  }

  /** x plus the rows of positions offset … offset+T−1. */
  forward(x: Tensor, offset = 0): Tensor {
    return x.add(positionRows('LearnedPositionalEmbedding', this.weight, x, offset, this.batchFirst));
  }
}
