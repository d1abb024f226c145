import { ArgumentError, ShapeError, flatten, fmtShape, normalizeAxis, reshape, type Tensor } from '@webgrad/core-tensor';
import { Module } from './module.js';
import { pyTuple } from './python-repr.js';

/**
 * Merges axes `startDim`..`endDim` into one, PyTorch's `nn.Flatten` (default
 * 1..−1: everything but the batch axis).
 */
export class Flatten extends Module<[Tensor], Tensor> {
  /** Creates the layer. */
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  /** Flattens `x` (a view). */
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
  /** `start_dim=1, end_dim=-1` */
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/**
 * Splits axis `dim` into `unflattenedSize`, PyTorch's `nn.Unflatten` (one
 * length may be −1 and is inferred).
 */
export class Unflatten extends Module<[Tensor], Tensor> {
  /** The lengths axis `dim` is split into. */
  readonly unflattenedSize: readonly number[];
  /** Creates the layer. */
  constructor(
    readonly dim: number,
    unflattenedSize: readonly number[],
  ) {
    super();
    if (unflattenedSize.length === 0 || !unflattenedSize.every((d) => Number.isInteger(d) && (d >= 0 || d === -1)) || unflattenedSize.filter((d) => d === -1).length > 1) {
      throw new ArgumentError('Unflatten', `unflattenedSize must be non-negative integers with at most one -1, got [${unflattenedSize.join(', ')}]`);
    }
    this.unflattenedSize = unflattenedSize.slice();
  }
  /** Unflattens `x` (a view). */
  forward(x: Tensor): Tensor {
    const a = normalizeAxis('Unflatten', this.dim, x.rank);
    const n = x.shape[a]!;
    const known = this.unflattenedSize.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
    const sizes = this.unflattenedSize.map((d) => (d === -1 ? (known === 0 ? 0 : n / known) : d));
    if (!sizes.every(Number.isInteger) || sizes.reduce((p, d) => p * d, 1) !== n) {
      throw new ShapeError('Unflatten', `cannot split axis ${this.dim} of length ${n} (input ${fmtShape(x.shape)}) into [${this.unflattenedSize.join(', ')}]`);
    }
    return reshape(x, [...x.shape.slice(0, a), ...sizes, ...x.shape.slice(a + 1)]);
  }
  /** `dim=1, unflattened_size=(2, 5)` */
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattenedSize)}`;
  }
}
