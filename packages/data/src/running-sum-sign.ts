import { tensor, type Tensor } from '@webgrad/core-tensor';
import {
  SeededDraws,
  backendOption,
  positiveInteger,
  type SyntheticOptions,
} from './seeded-draws.js';

/** Options of `runningSumSign`. */
export interface RunningSumSignOptions extends SyntheticOptions {
  /** Number of sequences (N). */
  numSequences: number;
  /** Length of each sequence (T). */
  seqLen: number;
}

/** Sequences of numbers and the sign of their running sums. */
export interface RunningSumSign {
  /** float32 [N, T, 1]: standard normal values x_t. */
  inputs: Tensor;
  /** int32 [N, T]: 1 where Σ_{s≤t} x_s > 0, else 0 (a label per step, many-to-many). */
  targets: Tensor;
  /** int32 [N]: the last step's label, the sign of the whole sum (many-to-one). */
  finalTargets: Tensor;
}

/**
 * Sign of the running sum: at each step, is the sum of the inputs so far
 * positive? A recurrent net must integrate its input over time to answer, so
 * this is the simplest sequence-classification task with memory.
 *
 * @example
 * ```ts
 * const { inputs, targets, finalTargets } = runningSumSign({ numSequences: 64, seqLen: 20, seed: 3 });
 * // inputs [64, 20, 1], targets [64, 20], finalTargets [64]
 * ```
 */
export function runningSumSign(options: RunningSumSignOptions): RunningSumSign {
  const n = positiveInteger('runningSumSign', 'numSequences', options.numSequences);
  const t = positiveInteger('runningSumSign', 'seqLen', options.seqLen);
  const x = new SeededDraws('runningSumSign', options.seed ?? 0).normal(n * t);
  const labels = new Int32Array(n * t);
  const final = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let s = 0; s < t; s++) {
      sum += x[i * t + s]!;
      labels[i * t + s] = sum > 0 ? 1 : 0;
    }
    final[i] = labels[i * t + t - 1]!;
  }
  const b = backendOption(options);
  return {
    inputs: tensor(x, { shape: [n, t, 1], ...b }),
    targets: tensor(labels, { shape: [n, t], ...b }),
    finalTargets: tensor(final, b),
  };
}
