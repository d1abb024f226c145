import { ArgumentError, tensor, type Tensor } from '@webgrad/core-tensor';
import {
  SeededDraws,
  backendOption,
  positiveInteger,
  type SyntheticOptions,
} from './seeded-draws.js';

/** Token ids of the digit-string tasks: digits 0..9 are their own ids. */
export const DIGIT_SEQ_VOCAB = Object.freeze({
  /** Padding after the end of a sequence. */
  pad: 10,
  /** Beginning of a target sequence (the decoder's first input). */
  bos: 11,
  /** End of a sequence. */
  eos: 12,
  /** Number of ids. */
  size: 13,
});

/** Options of `digitSeq2Seq`. */
export interface DigitSeq2SeqOptions extends SyntheticOptions {
  /** Number of pairs (N). */
  numSequences: number;
  /** `'reverse'` the digits, or `'sort'` them ascending. */
  task: 'reverse' | 'sort';
  /** Shortest digit string (default 1). */
  minLength?: number;
  /** Longest digit string (default 8). */
  maxLength?: number;
}

/** Source and target token sequences of a digit-string task, padded. */
export interface DigitSeq2Seq {
  /** int32 [N, maxLength + 1]: the digits, EOS, then PAD. */
  source: Tensor;
  /** int32 [N, maxLength + 2]: BOS, the answer's digits, EOS, then PAD. Decoder inputs are `target[:, :-1]`, labels `target[:, 1:]`. */
  target: Tensor;
  /** int32 [N]: tokens of each source including EOS. */
  sourceLengths: Tensor;
  /** int32 [N]: tokens of each target including BOS and EOS. */
  targetLengths: Tensor;
  /** The token ids (`DIGIT_SEQ_VOCAB`). */
  vocab: typeof DIGIT_SEQ_VOCAB;
}

/**
 * Sequence-to-sequence pairs of random digit strings and their reversal or
 * sorted order, the classic test of encoder–decoder models with attention.
 * Lengths are uniform in [minLength, maxLength], digits uniform in 0..9.
 *
 * @example
 * ```ts
 * const { source, target } = digitSeq2Seq({ numSequences: 2, task: 'reverse', maxLength: 3, seed: 0 });
 * // a source row [3, 1, 4, 12] (EOS = 12) pairs with the target row [11, 4, 1, 3, 12] (BOS = 11)
 * ```
 */
export function digitSeq2Seq(options: DigitSeq2SeqOptions): DigitSeq2Seq {
  const op = 'digitSeq2Seq';
  const n = positiveInteger(op, 'numSequences', options.numSequences);
  const minLength = positiveInteger(op, 'minLength', options.minLength ?? 1);
  const maxLength = positiveInteger(op, 'maxLength', options.maxLength ?? 8);
  if (minLength > maxLength)
    throw new ArgumentError(
      op,
      `minLength (${minLength}) must not exceed maxLength (${maxLength})`,
    );
  if (options.task !== 'reverse' && options.task !== 'sort')
    throw new ArgumentError(op, `task must be 'reverse' or 'sort', got ${String(options.task)}`);
  const draws = new SeededDraws(op, options.seed ?? 0);
  const lengths = draws.integers(n, minLength, maxLength + 1);
  const digits = draws.integers(n * maxLength, 0, 10);
  const { pad, bos, eos } = DIGIT_SEQ_VOCAB;
  const srcWidth = maxLength + 1;
  const tgtWidth = maxLength + 2;
  const source = new Int32Array(n * srcWidth).fill(pad);
  const target = new Int32Array(n * tgtWidth).fill(pad);
  const sourceLengths = new Int32Array(n);
  const targetLengths = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const len = lengths[i]!;
    const input = Array.from(digits.subarray(i * maxLength, i * maxLength + len));
    const output =
      options.task === 'reverse' ? input.slice().reverse() : input.slice().sort((a, b) => a - b);
    source.set([...input, eos], i * srcWidth);
    target.set([bos, ...output, eos], i * tgtWidth);
    sourceLengths[i] = len + 1;
    targetLengths[i] = len + 2;
  }
  const b = backendOption(options);
  return {
    source: tensor(source, { shape: [n, srcWidth], ...b }),
    target: tensor(target, { shape: [n, tgtWidth], ...b }),
    sourceLengths: tensor(sourceLengths, b),
    targetLengths: tensor(targetLengths, b),
    vocab: DIGIT_SEQ_VOCAB,
  };
}
