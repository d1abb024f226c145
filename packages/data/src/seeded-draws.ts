import {
  ArgumentError,
  Generator,
  rand,
  randint,
  randn,
  randperm,
  type Tensor,
} from '@webgrad/core-tensor';

/**
 * A seeded source of random arrays for the synthetic data sets: every draw
 * comes from core-tensor's Philox stream (on the CPU backend, read back as a
 * typed array), so a data set is a pure function of its seed and the order
 * of its draws.
 */
export class SeededDraws {
  private readonly generator: Generator;

  /** Starts the stream of `seed`. */
  constructor(
    readonly op: string,
    seed: number,
  ) {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new ArgumentError(op, `seed must be a non-negative safe integer, got ${seed}`);
    this.generator = new Generator(seed);
  }

  /** n uniform numbers in [0, 1). */
  uniform(n: number): Float32Array {
    return read(rand([n], { generator: this.generator, backend: 'cpu' })) as Float32Array;
  }

  /** n standard normal numbers. */
  normal(n: number): Float32Array {
    return read(randn([n], { generator: this.generator, backend: 'cpu' })) as Float32Array;
  }

  /** n integers uniform in [low, high). */
  integers(n: number, low: number, high: number): Int32Array {
    return read(
      randint(low, high, [n], { generator: this.generator, backend: 'cpu' }),
    ) as Int32Array;
  }

  /** A random permutation of 0..n−1. */
  permutation(n: number): Int32Array {
    return read(randperm(n, { generator: this.generator, backend: 'cpu' })) as Int32Array;
  }
}

function read(t: Tensor): Float32Array | Int32Array {
  const values = t.dataSync() as Float32Array | Int32Array;
  t.dispose();
  return values;
}

/** Checks a count option of a synthetic data set. */
export function positiveInteger(op: string, name: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min)
    throw new ArgumentError(op, `${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

/** Options shared by the synthetic data sets. */
export interface SyntheticOptions {
  /** Seed of the Philox stream (default 0); the same seed gives the same data on every backend. */
  seed?: number;
  /** Backend of the returned tensors (default: the active backend). */
  backend?: string;
}

/** `{ backend }` for `tensor()` when one was asked for. */
export function backendOption(options: SyntheticOptions): { backend?: string } {
  return options.backend !== undefined ? { backend: options.backend } : {};
}
