import { ArgumentError, tensor, type Tensor } from '@webgrad/core-tensor';
import { seededPermutation } from './seeded-permutation.js';

/** Options of `trainTestSplit`. */
export interface TrainTestSplitOptions {
  /** Fraction of the items held out for testing, in (0, 1) (default 0.25, scikit-learn's). */
  testFraction?: number;
  /** Seed of the Philox stream that shuffles the items (default 0). */
  seed?: number;
  /** Backend for the returned index tensors (default: the active backend). */
  backend?: string;
}

/** Indices of the two parts of a shuffled split, as int32 tensors ready for `indexSelect`. */
export interface TrainTestSplit {
  /** Indices of the training items, [n − nTest]. */
  train: Tensor;
  /** Indices of the test items, [nTest]. */
  test: Tensor;
}

/**
 * Shuffles 0..n−1 with a seeded permutation and splits it as scikit-learn's
 * `train_test_split` does: nTest = ⌈testFraction·n⌉ items (the first of the
 * permutation) for testing, the rest for training. The same seed gives the
 * same split on every backend.
 *
 * @example
 * ```ts
 * const { images, labels } = loadDigits();
 * const { train, test } = trainTestSplit(1797, { testFraction: 0.2, seed: 0 });
 * const xTest = indexSelect(images, 0, test); // [360, 64]
 * ```
 */
export function trainTestSplit(n: number, options: TrainTestSplitOptions = {}): TrainTestSplit {
  const testFraction = options.testFraction ?? 0.25;
  if (!Number.isInteger(n) || n < 2)
    throw new ArgumentError('trainTestSplit', `n must be an integer >= 2, got ${n}`);
  if (!(testFraction > 0 && testFraction < 1))
    throw new ArgumentError(
      'trainTestSplit',
      `testFraction must be in (0, 1), got ${testFraction}`,
    );
  const nTest = Math.ceil(testFraction * n);
  if (nTest >= n)
    throw new ArgumentError(
      'trainTestSplit',
      `testFraction ${testFraction} of ${n} items leaves no training items`,
    );
  const perm = seededPermutation(n, options.seed ?? 0);
  const backend = options.backend !== undefined ? { backend: options.backend } : {};
  return {
    test: tensor(perm.slice(0, nTest), { shape: [nTest], ...backend }),
    train: tensor(perm.slice(nTest), { shape: [n - nTest], ...backend }),
  };
}
