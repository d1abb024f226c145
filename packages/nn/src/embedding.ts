import { noGrad } from '@webgrad/autograd';
import {
  ArgumentError,
  DTypeError,
  ShapeError,
  add,
  arange,
  cast,
  detach,
  div,
  fmtShape,
  gt,
  indexAdd,
  indexSelect,
  logicalAnd,
  mul,
  ne,
  norm,
  reshape,
  unsqueeze,
  where,
  zeros,
  type Tensor,
} from '@webgrad/core-tensor';
import { hostValues } from './host-values.js';
import { normal_ } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { pyFloat } from './python-repr.js';

/** Options of `embedding` and `Embedding` (PyTorch's names). */
export interface EmbeddingOptions {
  /**
   * An index whose row gets no gradient (and, in `Embedding`, starts at
   * zero): a "padding" token. Negative counts from the end.
   */
  paddingIdx?: number | null;
  /**
   * Before the lookup, every referenced row whose `normType`-norm exceeds
   * maxNorm is rescaled in place to norm maxNorm (PyTorch's embedding_renorm_).
   */
  maxNorm?: number | null;
  /** The p of the p-norm for `maxNorm` (default 2). */
  normType?: number;
}

/** Options of `Embedding.fromPretrained`. */
export interface EmbeddingFromPretrainedOptions extends EmbeddingOptions {
  /** Keep the weights fixed (requiresGrad false; default true). */
  freeze?: boolean;
}

function resolvePaddingIdx(op: string, paddingIdx: number | null | undefined, numEmbeddings: number): number | null {
  if (paddingIdx === null || paddingIdx === undefined) return null;
  if (!Number.isInteger(paddingIdx) || paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) {
    throw new ArgumentError(op, `paddingIdx must be within [-${numEmbeddings}, ${numEmbeddings - 1}] (numEmbeddings ${numEmbeddings}), got ${paddingIdx}`);
  }
  return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
}

/**
 * Looks up rows of `weight` [numEmbeddings, dim] for int32 indices of any
 * shape, PyTorch's `F.embedding`: the output has shape [...input.shape, dim].
 * Its gradient adds each output row's gradient into the row it came from,
 * except for `paddingIdx`, which receives none. With `maxNorm`, referenced
 * rows are first renormalised in place (not recorded by autograd).
 */
export function embedding(input: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  const op = 'embedding';
  if (input.dtype !== 'int32') throw new DTypeError(op, `indices must be int32, got ${input.dtype}`);
  if (weight.rank !== 2) throw new ShapeError(op, `weight must be [numEmbeddings, embeddingDim], got ${fmtShape(weight.shape)}`);
  const n = weight.shape[0]!;
  const padding = resolvePaddingIdx(op, options.paddingIdx, n);
  const values = hostValues(input);
  if (values) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < 0 || v >= n) throw new ArgumentError(op, `index ${v} (at flat index ${i}) is out of range for ${n} embeddings`);
    }
  }
  const flat = reshape(input, [-1]);
  if (options.maxNorm !== undefined && options.maxNorm !== null) renorm(weight, flat, options.maxNorm, options.normType ?? 2);
  let rows = indexSelect(weight, 0, flat); // [k, dim]
  if (padding !== null && weight.requiresGrad) {
    // same values, but rows looked up at paddingIdx are cut from the graph
    rows = where(unsqueeze(ne(flat, padding), 1), rows, detach(rows));
  }
  return reshape(rows, [...input.shape, weight.shape[1]!]);
}

/** PyTorch's embedding_renorm_: rows referenced by `flat` with ‖row‖_p > maxNorm are scaled by maxNorm/(‖row‖_p + 1e−7). */
function renorm(weight: Tensor, flat: Tensor, maxNorm: number, p: number): void {
  if (!(maxNorm > 0)) throw new ArgumentError('embedding', `maxNorm must be positive, got ${maxNorm}`);
  noGrad(() => {
    const n = weight.shape[0]!;
    const counts = indexAdd(zeros([n], { backend: weight.backend.name }), 0, flat, zeros([flat.size], { backend: weight.backend.name }).add(1));
    const norms = norm(weight, p, 1);
    const scale = where(logicalAnd(gt(counts, 0), gt(norms, maxNorm)), div(maxNorm, add(norms, 1e-7)), 1);
    weight.assign_(mul(weight, unsqueeze(cast(scale, weight.dtype), 1)));
  });
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`,
 * PyTorch's `nn.Embedding`: weight [numEmbeddings, embeddingDim] drawn from
 * N(0, 1), with the `paddingIdx` row set to zero and kept out of the gradient.
 *
 * @example
 * ```ts
 * const emb = new Embedding(10, 3, { paddingIdx: 0 });
 * emb.forward(tensor([[1, 2, 0]], { dtype: 'int32' })).shape; // [1, 3, 3]
 * ```
 */
export class Embedding extends Module<[Tensor], Tensor> {
  /** The table, [numEmbeddings, embeddingDim]. */
  weight: Parameter;
  /** The padding row (normalised to be non-negative), or null. */
  readonly paddingIdx: number | null;

  /** Creates the table with PyTorch's default initialisation, N(0, 1) and a zero padding row. */
  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    readonly options: EmbeddingOptions = {},
  ) {
    super();
    if (!Number.isInteger(numEmbeddings) || numEmbeddings <= 0 || !Number.isInteger(embeddingDim) || embeddingDim < 0) {
      throw new ArgumentError('Embedding', `numEmbeddings must be a positive integer and embeddingDim a non-negative one, got ${numEmbeddings} and ${embeddingDim}`);
    }
    this.paddingIdx = resolvePaddingIdx('Embedding', options.paddingIdx, numEmbeddings);
    this.weight = new Parameter(zeros([numEmbeddings, embeddingDim]));
    this.resetParameters();
  }

  /**
   * A table holding `embeddings` [numEmbeddings, dim] (copied), frozen by
   * default, PyTorch's `Embedding.from_pretrained` (the padding row is kept as given).
   */
  static fromPretrained(embeddings: Tensor, options: EmbeddingFromPretrainedOptions = {}): Embedding {
    if (embeddings.rank !== 2) throw new ShapeError('Embedding.fromPretrained', `embeddings must be 2-D, got ${fmtShape(embeddings.shape)}`);
    const { freeze, ...rest } = options;
    const e = new Embedding(embeddings.shape[0]!, embeddings.shape[1]!, rest);
    noGrad(() => e.weight.assign_(cast(embeddings, e.weight.dtype).clone().detach()));
    e.weight.requiresGrad = freeze === false;
    return e;
  }

  /** Re-draws the table from N(0, 1) and zeroes the padding row. */
  resetParameters(): void {
    normal_(this.weight);
    const p = this.paddingIdx;
    if (p !== null) {
      noGrad(() => {
        const keep = unsqueeze(ne(arange(this.numEmbeddings, undefined, 1, { backend: this.weight.backend.name }), p), 1);
        this.weight.assign_(where(keep, this.weight, 0));
      });
    }
  }

  /** Looks up the rows of int32 indices `input`: [...input.shape, embeddingDim]. */
  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.options.maxNorm ?? null, normType: this.options.normType ?? 2 });
  }

  /** `10, 3, padding_idx=0` plus max_norm / norm_type when set, as PyTorch prints them. */
  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.options.maxNorm !== undefined && this.options.maxNorm !== null) s += `, max_norm=${pyFloat(this.options.maxNorm)}`;
    if ((this.options.normType ?? 2) !== 2) s += `, norm_type=${this.options.normType}`;
    return s;
  }
}
