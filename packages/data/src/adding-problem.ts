import { tensor, type Tensor } from '@webgrad/core-tensor';
import {
  SeededDraws,
  backendOption,
  positiveInteger,
  type SyntheticOptions,
} from './seeded-draws.js';

/** Options of `addingProblem`. */
export interface AddingProblemOptions extends SyntheticOptions {
  /** Number of sequences (N). */
  numSequences: number;
  /** Length of each sequence (T ≥ 2). */
  seqLen: number;
}

/** The adding problem: inputs and the sums to predict. */
export interface AddingProblem {
  /** float32 [N, T, 2]: channel 0 values uniform in [0, 1), channel 1 the markers (two 1s, else 0). */
  inputs: Tensor;
  /** float32 [N, 1]: the sum of the two marked values. */
  targets: Tensor;
}

/**
 * The adding problem (Hochreiter & Schmidhuber 1997; Le, Jaitly & Hinton
 * 2015): a sequence of random values with two marked positions, one in the
 * first half and one in the second half; the target is the sum of the two
 * marked values. Predicting the constant 1 gives a mean squared error of 1/6,
 * the baseline a model must beat; doing so needs memory across T steps.
 *
 * @example
 * ```ts
 * const { inputs, targets } = addingProblem({ numSequences: 256, seqLen: 50, seed: 0 });
 * // inputs [256, 50, 2], targets [256, 1]
 * ```
 */
export function addingProblem(options: AddingProblemOptions): AddingProblem {
  const n = positiveInteger('addingProblem', 'numSequences', options.numSequences);
  const t = positiveInteger('addingProblem', 'seqLen', options.seqLen, 2);
  const draws = new SeededDraws('addingProblem', options.seed ?? 0);
  const values = draws.uniform(n * t);
  const half = Math.ceil(t / 2);
  const first = draws.integers(n, 0, half);
  const second = draws.integers(n, half, t);
  const inputs = new Float32Array(n * t * 2);
  const targets = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < t; s++) inputs[(i * t + s) * 2] = values[i * t + s]!;
    inputs[(i * t + first[i]!) * 2 + 1] = 1;
    inputs[(i * t + second[i]!) * 2 + 1] = 1;
    targets[i] = values[i * t + first[i]!]! + values[i * t + second[i]!]!;
  }
  const b = backendOption(options);
  return {
    inputs: tensor(inputs, { shape: [n, t, 2], ...b }),
    targets: tensor(targets, { shape: [n, 1], ...b }),
  };
}
