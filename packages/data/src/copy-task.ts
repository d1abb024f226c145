import { tensor, type Tensor } from '@webgrad/core-tensor';
import {
  SeededDraws,
  backendOption,
  positiveInteger,
  type SyntheticOptions,
} from './seeded-draws.js';

/** Options of `copyTask`. */
export interface CopyTaskOptions extends SyntheticOptions {
  /** Number of sequences (N). */
  numSequences: number;
  /** Symbols to remember (L, default 10). */
  length?: number;
  /** Steps between the last symbol and the recall (T, default 20). */
  delay?: number;
  /** Distinct symbols (K, default 8), ids 1..K. */
  numSymbols?: number;
}

/** The copy task: token sequences and the targets at every step. */
export interface CopyTask {
  /** int32 [N, T + 2L]: L symbols, T − 1 blanks, the delimiter, L blanks. */
  inputs: Tensor;
  /** int32 [N, T + 2L]: T + L blanks, then the L symbols. */
  targets: Tensor;
  /** Id of the blank (0). */
  blank: number;
  /** Id of the delimiter that asks for the recall (K + 1). */
  delimiter: number;
  /** Number of token ids (K + 2). */
  vocabSize: number;
}

/**
 * The copy-memory task (Hochreiter & Schmidhuber 1997, in the form of
 * Arjovsky, Shah & Bengio 2016): read L random symbols, wait T steps, and
 * after the delimiter output the L symbols in order. A model that outputs
 * blanks and then random symbols reaches a cross-entropy of L·log K/(T + 2L),
 * the baseline to beat.
 *
 * @example
 * ```ts
 * const task = copyTask({ numSequences: 128, length: 5, delay: 10, seed: 0 });
 * // inputs/targets int32 [128, 20], vocabSize 10
 * ```
 */
export function copyTask(options: CopyTaskOptions): CopyTask {
  const n = positiveInteger('copyTask', 'numSequences', options.numSequences);
  const l = positiveInteger('copyTask', 'length', options.length ?? 10);
  const delay = positiveInteger('copyTask', 'delay', options.delay ?? 20);
  const k = positiveInteger('copyTask', 'numSymbols', options.numSymbols ?? 8);
  const total = delay + 2 * l;
  const symbols = new SeededDraws('copyTask', options.seed ?? 0).integers(n * l, 1, k + 1);
  const inputs = new Int32Array(n * total);
  const targets = new Int32Array(n * total);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < l; j++) {
      inputs[i * total + j] = symbols[i * l + j]!;
      targets[i * total + delay + l + j] = symbols[i * l + j]!;
    }
    inputs[i * total + l + delay - 1] = k + 1;
  }
  const b = backendOption(options);
  return {
    inputs: tensor(inputs, { shape: [n, total], ...b }),
    targets: tensor(targets, { shape: [n, total], ...b }),
    blank: 0,
    delimiter: k + 1,
    vocabSize: k + 2,
  };
}
