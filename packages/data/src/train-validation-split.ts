import { ArgumentError } from '@webgrad/core-tensor';

/** Options of `trainValidationSplit`. */
export interface TrainValidationSplitOptions {
  /** Fraction of the sequence that goes to training (default 0.9, the common split of tiny Shakespeare). */
  trainFraction?: number;
}

/** The two contiguous parts of a split sequence. */
export interface TrainValidationSplit<S> {
  /** The first ⌊trainFraction·n⌋ items. */
  train: S;
  /** The rest. */
  validation: S;
}

/** Something that can be split at an index: a string, an array or a typed array. */
export interface Sliceable {
  /** Number of items. */
  readonly length: number;
  /** Items [start, end). */
  slice(start?: number, end?: number): this;
}

/**
 * Splits a text or token sequence into a training head and a validation tail
 * at n = ⌊trainFraction·length⌋, as nanoGPT and char-rnn split tiny
 * Shakespeare (no shuffling: the validation text is unseen prose).
 *
 * @example
 * ```ts
 * const { train, validation } = trainValidationSplit('abcdefghij'); // 'abcdefghi', 'j'
 * ```
 */
export function trainValidationSplit<S extends Sliceable>(
  sequence: S,
  options: TrainValidationSplitOptions = {},
): TrainValidationSplit<S> {
  const fraction = options.trainFraction ?? 0.9;
  if (!(fraction >= 0 && fraction <= 1))
    throw new ArgumentError(
      'trainValidationSplit',
      `trainFraction must be in [0, 1], got ${fraction}`,
    );
  const n = Math.floor(fraction * sequence.length);
  return { train: sequence.slice(0, n), validation: sequence.slice(n) };
}
