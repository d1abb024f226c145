import { runKernel1 } from './dispatch.js';
import type { DType } from './dtype.js';
import { findBackend, getBackend } from './engine.js';
import { ArgumentError } from './errors.js';
import { philoxUniformFill } from './philox.js';
import { assertValidShape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';
import { fromTypedArray, type TensorOptions } from './creation.js';
import { lt } from './ops/elementwise.js';

/** The saved state of a `Generator`: its seed and how many Philox blocks it has used. */
export interface GeneratorState {
  /** The seed. */
  seed: number;
  /** Philox blocks consumed so far. */
  offset: number;
}

/**
 * A seeded stream of random numbers (Philox4x32-10). Each draw of n numbers
 * uses the next ⌈n/4⌉ blocks, on any backend, so the same seed gives the same
 * numbers on the CPU and on WebGPU.
 */
export class Generator {
  private seedValue: number;
  private offsetValue = 0;

  /** Creates a generator with `seed` (default PyTorch's default seed's low bits). */
  constructor(seed = 67280421310721) {
    this.seedValue = 0;
    this.manualSeed(seed);
  }

  /** Restarts the stream from `seed` (a non-negative integer below 2⁵³). */
  manualSeed(seed: number): this {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new ArgumentError('manualSeed', `seed must be a non-negative safe integer, got ${seed}`);
    this.seedValue = seed;
    this.offsetValue = 0;
    return this;
  }

  /** The current seed. */
  get seed(): number {
    return this.seedValue;
  }

  /** Captures the state, to resume the exact stream later. */
  getState(): GeneratorState {
    return { seed: this.seedValue, offset: this.offsetValue };
  }

  /** Restores a state from `getState()`. */
  setState(state: GeneratorState): void {
    this.manualSeed(state.seed);
    if (!Number.isSafeInteger(state.offset) || state.offset < 0) throw new ArgumentError('setState', `offset must be a non-negative integer, got ${state.offset}`);
    this.offsetValue = state.offset;
  }

  /** @internal reserves blocks for `n` numbers; returns the key and first block. */
  take(n: number): { seedLo: number; seedHi: number; offset: number } {
    const offset = this.offsetValue;
    this.offsetValue += Math.ceil(n / 4);
    return { seedLo: this.seedValue >>> 0, seedHi: Math.floor(this.seedValue / 4294967296) >>> 0, offset };
  }
}

/** The default generator used when none is passed. */
export const defaultGenerator = new Generator();

/** Seeds the default generator (`torch.manual_seed`). */
export function manualSeed(seed: number): void {
  defaultGenerator.manualSeed(seed);
}

/** Options of the random creation functions. */
export interface RandomOptions extends TensorOptions {
  /** The stream to draw from (default: the default generator). */
  generator?: Generator;
}

function draw(op: 'randomUniform' | 'randomNormal', shape: readonly number[], a: number, b: number, options: RandomOptions, dtype: DType): Tensor {
  assertValidShape(op, shape);
  const gen = options.generator ?? defaultGenerator;
  const backend = options.backend !== undefined ? findBackend(options.backend) : getBackend();
  const t = runKernel1(op, [], { shape: shape.slice(), dtype, a, b, ...gen.take(sizeOf(shape)) }, backend);
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** Uniform samples in [0, 1) (`torch.rand`). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return draw('randomUniform', shape, 0, 1, options, options.dtype ?? 'float32');
}

/** Uniform samples in [low, high). */
export function uniform(shape: readonly number[], low = 0, high = 1, options: RandomOptions = {}): Tensor {
  if (!(high >= low)) throw new ArgumentError('uniform', `high (${high}) must be >= low (${low})`);
  return draw('randomUniform', shape, low, high - low, options, options.dtype ?? 'float32');
}

/** Standard normal samples (`torch.randn`). */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return draw('randomNormal', shape, 0, 1, options, options.dtype ?? 'float32');
}

/** Normal samples with the given mean and standard deviation. */
export function normal(shape: readonly number[], mean = 0, std = 1, options: RandomOptions = {}): Tensor {
  if (!(std >= 0)) throw new ArgumentError('normal', `std must be >= 0, got ${std}`);
  return draw('randomNormal', shape, mean, std, options, options.dtype ?? 'float32');
}

/** Integers uniform in [low, high) as int32 (`torch.randint`). */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) throw new ArgumentError('randint', `need integers low < high, got ${low} and ${high}`);
  return draw('randomUniform', shape, low, high - low, options, 'int32');
}

/**
 * 1 with probability p, else 0 (`torch.bernoulli`). `p` is a number (then
 * `shape` is required) or a tensor of probabilities.
 */
export function bernoulli(p: Tensor | number, shape?: readonly number[], options: RandomOptions = {}): Tensor {
  const s = p instanceof Tensor ? p.shape : shape;
  if (s === undefined) throw new ArgumentError('bernoulli', 'a shape is needed when p is a number');
  if (typeof p === 'number' && !(p >= 0 && p <= 1)) throw new ArgumentError('bernoulli', `p must be in [0, 1], got ${p}`);
  const be = p instanceof Tensor ? p.backend.name : options.backend;
  const u = rand(s, { ...options, ...(be !== undefined ? { backend: be } : {}), requiresGrad: false });
  const dtype = options.dtype ?? (p instanceof Tensor ? p.dtype : 'float32');
  return lt(u, p instanceof Tensor ? p.detach() : p).cast(dtype);
}

/** A random permutation of 0..n−1 as int32 (`torch.randperm`), drawn from the generator's stream. */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError('randperm', `n must be a non-negative integer, got ${n}`);
  const gen = options.generator ?? defaultGenerator;
  const { seedLo, seedHi, offset } = gen.take(n);
  const u = new Float64Array(n);
  philoxUniformFill(u, seedLo, seedHi, offset);
  // Fisher–Yates driven by the stream: swap i with a uniform j ≤ i
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(u[i]! * (i + 1)));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return fromTypedArray(perm, [n], { ...options, dtype: 'int32', requiresGrad: false });
}
