import type * as tfjs from '@tensorflow/tfjs';

/** The tfjs namespace a case builds its reference step with. */
export type Tfjs = typeof tfjs;

/** One timed unit of work: `run` does a whole step and waits for its result. */
export interface BenchStep {
  /** Runs the step once, synchronously, including reading a result back (so nothing stays queued). */
  run(): void;
  /** Frees what the step holds. */
  dispose(): void;
}

/**
 * A benchmark case: the same computation built for webgrad and for tfjs, timed
 * side by side in one run. `flops` (per step) turns medians into GFLOP/s.
 */
export interface BenchCase {
  /** Short key, also the key in the results JSON and of the numpy anchor (`matmul-512`). */
  readonly key: string;
  /** What it computes, for the printed table. */
  readonly title: string;
  /** Floating-point operations per step, when GFLOP/s is meaningful. */
  readonly flops?: number;
  /** Builds the webgrad step on the current CPU configuration. */
  webgrad(): BenchStep;
  /** Builds the same step in tfjs on its active backend. */
  tfjs(tf: Tfjs): BenchStep;
}

/** What a `*.bench.ts` file exports: its cases, in the order they print. */
export interface BenchSuite {
  /** Suite name (printed as a heading). */
  readonly name: string;
  /** The cases. */
  readonly cases: readonly BenchCase[];
}
