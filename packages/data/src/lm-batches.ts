import { ArgumentError, Generator, randint, tensor, type Tensor } from '@webgrad/core-tensor';

/** One language-modelling batch: targets are the inputs shifted by one token. */
export interface LmBatch {
  /** Token ids x_t, int32 [batchSize, seqLen]. */
  inputs: Tensor;
  /** The next tokens x_{t+1}, int32 [batchSize, seqLen]. */
  targets: Tensor;
  /** The step (random windows) or batch index (stream) this batch is; resume after it at `step + 1`. */
  step: number;
}

/** Options of `lmBatches`. */
export interface LmBatchOptions {
  /** Tokens per sequence (T). */
  seqLen: number;
  /** Sequences per batch (B). */
  batchSize: number;
  /** Seed of the stream that picks the windows (default 0). */
  seed?: number;
  /** The first step to produce (default 0), to resume a run. */
  startStep?: number;
  /** Number of batches to produce (default: without end). */
  steps?: number;
  /** Backend of the returned tensors (default: the active backend). */
  backend?: string;
}

/** Options of `lmStreamBatches`. */
export interface LmStreamBatchOptions {
  /** Tokens per chunk (T, the truncated-BPTT length). */
  seqLen: number;
  /** Number of parallel tracks (B). */
  batchSize: number;
  /** The first batch to produce (default 0), to resume an epoch. */
  startStep?: number;
  /** Backend of the returned tensors (default: the active backend). */
  backend?: string;
}

/**
 * Random-window batches for language models, as nanoGPT draws them: step s
 * picks B start offsets i uniformly from [0, n − T − 1] with the Philox
 * stream of `seed` (the s-th draw of B integers), and returns inputs
 * tokens[i .. i+T) and targets tokens[i+1 .. i+T+1). Step s depends only on
 * (seed, s), so a run resumes exactly with `startStep`.
 *
 * @example
 * ```ts
 * const tok = CharTokenizer.fromText(text);
 * const ids = tok.encode(text);
 * for (const { inputs, targets } of lmBatches(ids, { seqLen: 64, batchSize: 32, seed: 1, steps: 100 })) {
 *   // inputs, targets: int32 [32, 64]; targets[b][t] === inputs[b][t + 1]
 * }
 * ```
 */
export function* lmBatches(
  tokens: ArrayLike<number>,
  options: LmBatchOptions,
): IterableIterator<LmBatch> {
  const { seqLen, batchSize } = options;
  const ids = checkLm('lmBatches', tokens, seqLen, batchSize);
  const seed = options.seed ?? 0;
  const start = options.startStep ?? 0;
  if (!Number.isInteger(start) || start < 0)
    throw new ArgumentError('lmBatches', `startStep must be a non-negative integer, got ${start}`);
  const end = options.steps === undefined ? Infinity : start + options.steps;
  const generator = new Generator(seed);
  for (let step = start; step < end; step++) {
    generator.setState({ seed, offset: step * Math.ceil(batchSize / 4) });
    const offsets = randint(0, ids.length - seqLen, [batchSize], { generator, backend: 'cpu' });
    const starts = offsets.dataSync();
    offsets.dispose();
    yield windowBatch(ids, Array.from(starts), seqLen, step, options.backend);
  }
}

/**
 * Contiguous batches for stateful (truncated-BPTT) training, as char-rnn
 * makes them: the tokens are cut into B tracks of L = ⌊(n − 1)/B⌋ tokens,
 * track b starting at b·L, and batch k holds chunk k of every track, so row b
 * of batch k + 1 continues row b of batch k and a recurrent state can be
 * carried across batches. One epoch has ⌊L/T⌋ batches.
 */
export function* lmStreamBatches(
  tokens: ArrayLike<number>,
  options: LmStreamBatchOptions,
): IterableIterator<LmBatch> {
  const { seqLen, batchSize } = options;
  const ids = checkLm('lmStreamBatches', tokens, seqLen, batchSize);
  const trackLength = Math.floor((ids.length - 1) / batchSize);
  const total = Math.floor(trackLength / seqLen);
  if (total === 0)
    throw new ArgumentError(
      'lmStreamBatches',
      `${ids.length} tokens in ${batchSize} tracks of ${trackLength} give no chunk of seqLen ${seqLen}`,
    );
  const start = options.startStep ?? 0;
  if (!Number.isInteger(start) || start < 0 || start > total)
    throw new ArgumentError(
      'lmStreamBatches',
      `startStep must be an integer in [0, ${total}], got ${start}`,
    );
  for (let k = start; k < total; k++) {
    const starts = Array.from({ length: batchSize }, (_, b) => b * trackLength + k * seqLen);
    yield windowBatch(ids, starts, seqLen, k, options.backend);
  }
}

/** Number of batches in one epoch of `lmStreamBatches`. */
export function lmStreamBatchCount(numTokens: number, seqLen: number, batchSize: number): number {
  return Math.floor(Math.floor((numTokens - 1) / batchSize) / seqLen);
}

function checkLm(
  op: string,
  tokens: ArrayLike<number>,
  seqLen: number,
  batchSize: number,
): Int32Array {
  if (!Number.isInteger(seqLen) || seqLen < 1)
    throw new ArgumentError(op, `seqLen must be a positive integer, got ${seqLen}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ArgumentError(op, `batchSize must be a positive integer, got ${batchSize}`);
  if (tokens.length < seqLen + 1)
    throw new ArgumentError(
      op,
      `need at least seqLen + 1 = ${seqLen + 1} tokens, got ${tokens.length}`,
    );
  return tokens instanceof Int32Array ? tokens : Int32Array.from(tokens);
}

function windowBatch(
  ids: Int32Array,
  starts: readonly number[],
  seqLen: number,
  step: number,
  backend: string | undefined,
): LmBatch {
  const b = starts.length;
  const inputs = new Int32Array(b * seqLen);
  const targets = new Int32Array(b * seqLen);
  starts.forEach((s, row) => {
    inputs.set(ids.subarray(s, s + seqLen), row * seqLen);
    targets.set(ids.subarray(s + 1, s + seqLen + 1), row * seqLen);
  });
  const options = { shape: [b, seqLen], ...(backend !== undefined ? { backend } : {}) };
  return { inputs: tensor(inputs, options), targets: tensor(targets, options), step };
}
