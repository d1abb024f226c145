import {
  ArgumentError,
  ShapeError,
  fmtShape,
  indexSelect,
  tensor,
  type Tensor,
} from '@webgrad/core-tensor';
import { seededPermutation } from './seeded-permutation.js';

/** Options of `batches` and `DataLoader`. */
export interface BatchOptions {
  /** Items per batch (a positive integer). */
  batchSize: number;
  /** Visit the items in a new seeded random order every epoch (default false: in order). */
  shuffle?: boolean;
  /** Seed of the shuffling stream (default 0). */
  seed?: number;
  /** Drop the last batch of an epoch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
}

/** Where a batch iteration stands: the next batch to produce. Save it to resume exactly. */
export interface BatchPosition {
  /** Epoch number, from 0. */
  epoch: number;
  /** Index of the next batch within the epoch, from 0. */
  batch: number;
}

/** Options of `batches`: the batching plus the position to start from. */
export interface EpochBatchOptions extends BatchOptions {
  /** The epoch to iterate (default 0); it selects the shuffled order. */
  epoch?: number;
  /** The first batch to produce (default 0), to resume in the middle of an epoch. */
  startBatch?: number;
}

/** One mini-batch. */
export interface Batch<Y extends Tensor | null = Tensor> {
  /** The inputs, `x` rows at `indices`. */
  x: Tensor;
  /** The targets, `y` rows at `indices` (null when no targets were given). */
  y: Y;
  /** The item indices in this batch (to gather further tensors the same way). */
  indices: Int32Array;
  /** The epoch this batch belongs to. */
  epoch: number;
  /** This batch's index within its epoch; resume after it at `{ epoch, batch: batch + 1 }`. */
  batch: number;
}

/**
 * The order in which an epoch visits n items: 0..n−1 without shuffling,
 * else the `epoch`-th seeded permutation of the stream of `seed` (the same
 * order as drawing one `randperm(n)` per epoch from `new Generator(seed)`).
 */
export function epochOrder(
  n: number,
  options: { shuffle?: boolean; seed?: number; epoch?: number } = {},
): Int32Array {
  if (!options.shuffle) return Int32Array.from({ length: n }, (_, i) => i);
  return seededPermutation(n, options.seed ?? 0, options.epoch ?? 0);
}

/** Number of batches an epoch of n items has. */
export function numBatches(n: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/**
 * Iterates one epoch of mini-batches of `x` (and `y`), rows gathered along
 * axis 0, like a PyTorch `DataLoader` over a `TensorDataset`. The order is a
 * pure function of `(seed, epoch)`, so a run stopped after batch b of epoch e
 * resumes exactly with `{ epoch: e, startBatch: b + 1 }`.
 *
 * @example
 * ```ts
 * const { images, labels } = loadDigits();
 * for (const { x, y } of batches(images, labels, { batchSize: 64, shuffle: true, seed: 1, epoch: 0 })) {
 *   // x: [64, 64] float32, y: [64] int32 (the last batch has 1797 − 28·64 = 5 rows)
 * }
 * ```
 */
export function batches<Y extends Tensor | null>(
  x: Tensor,
  y: Y,
  options: EpochBatchOptions,
): IterableIterator<Batch<Y>> {
  const n = checkBatchInputs('batches', x, y, options);
  const epoch = options.epoch ?? 0;
  const total = numBatches(n, options.batchSize, options.dropLast);
  const start = options.startBatch ?? 0;
  if (!Number.isInteger(epoch) || epoch < 0)
    throw new ArgumentError('batches', `epoch must be a non-negative integer, got ${epoch}`);
  if (!Number.isInteger(start) || start < 0 || start > total) {
    throw new ArgumentError(
      'batches',
      `startBatch must be an integer in [0, ${total}], got ${start}`,
    );
  }
  return epochBatches(x, y, options, epoch, start, total);
}

function* epochBatches<Y extends Tensor | null>(
  x: Tensor,
  y: Y,
  options: BatchOptions,
  epoch: number,
  start: number,
  total: number,
): IterableIterator<Batch<Y>> {
  const n = x.shape[0]!;
  const order = epochOrder(n, { shuffle: options.shuffle, seed: options.seed, epoch });
  for (let b = start; b < total; b++) {
    const indices = order.slice(b * options.batchSize, Math.min(n, (b + 1) * options.batchSize));
    const index = tensor(indices, { shape: [indices.length], backend: x.backend.name });
    const batch: Batch<Y> = {
      x: indexSelect(x, 0, index),
      y: (y === null
        ? null
        : indexSelect(
            y,
            0,
            y.backend === x.backend ? index : tensor(indices, { backend: y.backend.name }),
          )) as Y,
      indices,
      epoch,
      batch: b,
    };
    index.dispose();
    yield batch;
  }
}

/** Validates `batches`/`DataLoader` inputs; returns the number of items. */
function checkBatchInputs(op: string, x: Tensor, y: Tensor | null, options: BatchOptions): number {
  if (x.rank < 1)
    throw new ShapeError(op, `x must have at least one axis (the items), got ${fmtShape(x.shape)}`);
  const n = x.shape[0]!;
  if (y !== null && (y.rank < 1 || y.shape[0] !== n)) {
    throw new ShapeError(
      op,
      `x and y must have the same number of items along axis 0, got x ${fmtShape(x.shape)} and y ${fmtShape(y.shape)}`,
    );
  }
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1)
    throw new ArgumentError(op, `batchSize must be a positive integer, got ${options.batchSize}`);
  return n;
}

/**
 * Batches over many epochs with a saved position, for training loops that
 * checkpoint: iterate it to get the rest of the current epoch (the position
 * then moves to the next epoch), save `state()`, and later `loadState()` to
 * continue with exactly the batches that would have come next.
 *
 * @example
 * ```ts
 * const loader = new DataLoader(images, labels, { batchSize: 32, shuffle: true, seed: 7 });
 * for (let e = 0; e < 3; e++) for (const { x, y } of loader) { ...train on x, y... }
 * const saved = loader.state();            // { epoch: 3, batch: 0 }
 * const again = new DataLoader(images, labels, { batchSize: 32, shuffle: true, seed: 7 });
 * again.loadState(saved);                  // continues with epoch 3
 * ```
 */
export class DataLoader<Y extends Tensor | null = Tensor> implements Iterable<Batch<Y>> {
  /** Number of batches in one epoch. */
  readonly numBatches: number;
  private position: BatchPosition = { epoch: 0, batch: 0 };

  /** Creates a loader positioned at the start of epoch 0. */
  constructor(
    readonly x: Tensor,
    readonly y: Y,
    readonly options: BatchOptions,
  ) {
    const n = checkBatchInputs('DataLoader', x, y, options);
    this.numBatches = numBatches(n, options.batchSize, options.dropLast);
  }

  /** The next batch to produce. */
  state(): BatchPosition {
    return { ...this.position };
  }

  /** Moves to a position saved by `state()` (or a `Batch`'s `{ epoch, batch: batch + 1 }`). */
  loadState(state: BatchPosition): void {
    if (
      !Number.isInteger(state.epoch) ||
      state.epoch < 0 ||
      !Number.isInteger(state.batch) ||
      state.batch < 0 ||
      state.batch > this.numBatches
    ) {
      throw new ArgumentError(
        'DataLoader.loadState',
        `need a non-negative integer epoch and batch in [0, ${this.numBatches}], got ${JSON.stringify(state)}`,
      );
    }
    this.position = { ...state };
  }

  /** The remaining batches of the current epoch; afterwards the position is the start of the next epoch. */
  *[Symbol.iterator](): Iterator<Batch<Y>> {
    const { epoch, batch } = this.position;
    for (const b of epochBatches(this.x, this.y, this.options, epoch, batch, this.numBatches)) {
      this.position = { epoch, batch: b.batch + 1 };
      yield b;
    }
    this.position = { epoch: epoch + 1, batch: 0 };
  }
}
