import { ArgumentError, ShapeError, fmtShape, getBackend, narrow, tensor, unsqueeze, type Generator, type Tensor } from '@webgrad/core-tensor';
import { Module } from '@webgrad/nn';
import { Dropout } from '@webgrad/regularize';

/** Options of `sinusoidalPositionalEncoding`. */
export interface SinusoidalOptions {
  /** The wavelength base b of PE(pos, 2i) = sin(pos / b^(2i/d)) (default 10000, the paper's). */
  base?: number;
  /** Backend of the table (default: the active backend). */
  backend?: string;
}

/**
 * The fixed positional encodings of "Attention Is All You Need", [maxLen, dModel]:
 * PE(pos, 2i) = sin(pos·ω_i), PE(pos, 2i+1) = cos(pos·ω_i) with
 * ω_i = base^(−2i/dModel), a geometric ladder of wavelengths from 2π to
 * base·2π. For any offset k, PE(pos + k) is a fixed rotation of PE(pos) in
 * every (2i, 2i+1) plane, which is what lets attention read relative
 * positions. Computed in double precision, stored as float32.
 *
 * @example
 * ```ts
 * const pe = sinusoidalPositionalEncoding(50, 16); // [50, 16]; row 0 is [0, 1, 0, 1, …]
 * ```
 */
export function sinusoidalPositionalEncoding(maxLen: number, dModel: number, options: SinusoidalOptions = {}): Tensor {
  const op = 'sinusoidalPositionalEncoding';
  if (!Number.isInteger(maxLen) || maxLen < 0) throw new ArgumentError(op, `maxLen must be a non-negative integer, got ${maxLen}`);
  if (!Number.isInteger(dModel) || dModel < 1) throw new ArgumentError(op, `dModel must be a positive integer, got ${dModel}`);
  const base = options.base ?? 10000;
  if (!(base > 1)) throw new ArgumentError(op, `base must be greater than 1, got ${base}`);
  const pe = new Float32Array(maxLen * dModel);
  for (let pos = 0; pos < maxLen; pos++) {
    for (let i = 0; 2 * i < dModel; i++) {
      const angle = pos * Math.exp(-(2 * i) * (Math.log(base) / dModel));
      pe[pos * dModel + 2 * i] = Math.sin(angle);
      if (2 * i + 1 < dModel) pe[pos * dModel + 2 * i + 1] = Math.cos(angle);
    }
  }
  return tensor(pe, { shape: [maxLen, dModel], backend: options.backend ?? getBackend().name });
}

/** Options of `SinusoidalPositionalEncoding`. */
export interface SinusoidalPositionalEncodingOptions {
  /** Longest sequence (default 5000). */
  maxLen?: number;
  /** Dropout applied after adding the encodings (default 0.1, as the paper and PyTorch's tutorial). */
  dropout?: number;
  /** Inputs are [batch, length, dModel] (default false: [length, batch, dModel]). */
  batchFirst?: boolean;
  /** Wavelength base (default 10000). */
  base?: number;
  /** The random stream of the dropout. */
  generator?: Generator;
}

/**
 * Adds the sinusoidal encodings to token embeddings and applies dropout, as
 * PyTorch's transformer tutorial's `PositionalEncoding`: y = dropout(x + PE[offset : offset+T]).
 * The table is a non-persistent buffer `pe` (it is a function of the shape,
 * so state dicts do not carry it).
 *
 * @example
 * ```ts
 * const pos = new SinusoidalPositionalEncoding(16, { dropout: 0, batchFirst: true });
 * const y = pos.forward(randn([2, 10, 16])); // x + PE[0:10]
 * ```
 */
export class SinusoidalPositionalEncoding extends Module<[Tensor, number?], Tensor> {
  /** The dropout after the addition. */
  dropout: Dropout;
  /** The table [maxLen, dModel]. */
  pe!: Tensor;
  /** Longest sequence. */
  readonly maxLen: number;
  /** Whether inputs are batch first. */
  readonly batchFirst: boolean;

  /** Builds the table for dModel features. */
  constructor(
    readonly dModel: number,
    options: SinusoidalPositionalEncodingOptions = {},
  ) {
    super();
    this.maxLen = options.maxLen ?? 5000;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = new Dropout(options.dropout ?? 0.1, options.generator ? { generator: options.generator } : {});
    this.registerBuffer('pe', sinusoidalPositionalEncoding(this.maxLen, dModel, options.base === undefined ? {} : { base: options.base }), false);
  }

  /** x [T, N, dModel] ([N, T, dModel] batch first, [T, dModel] unbatched) plus PE of positions offset … offset+T−1, then dropout. */
  forward(x: Tensor, offset = 0): Tensor {
    return this.dropout.forward(x.add(positionRows('SinusoidalPositionalEncoding', this.pe, x, offset, this.batchFirst)));
  }
}

/**
 * Rows offset … offset+T−1 of a position table [maxLen, d], shaped to add to
 * x ([T, d], [T, N, d], or [N, T, d] with batchFirst).
 */
export function positionRows(op: string, table: Tensor, x: Tensor, offset: number, batchFirst: boolean): Tensor {
  const [maxLen, d] = [table.shape[0]!, table.shape[1]!];
  if ((x.rank !== 2 && x.rank !== 3) || x.shape[x.rank - 1] !== d) {
    throw new ShapeError(op, `expected input [T, ${d}], [T, N, ${d}] or [N, T, ${d}] (batch first), got ${fmtShape(x.shape)}`);
  }
  const T = x.rank === 3 && batchFirst ? x.shape[1]! : x.shape[0]!;
  if (!Number.isInteger(offset) || offset < 0 || offset + T > maxLen) {
    throw new ArgumentError(op, `positions ${offset}…${offset + T - 1} exceed the table of maxLen ${maxLen}`);
  }
  const rows = narrow(table, 0, offset, T);
  return x.rank === 3 && !batchFirst ? unsqueeze(rows, 1) : rows;
}
