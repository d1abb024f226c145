import { ArgumentError, DTypeError, ShapeError, eq, fmtShape, select, tensor, tidy, type Generator, type Tensor, type TypedArray } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { Embedding, Linear, Module, normal_ } from '@webgrad/nn';
import { generateSquareSubsequentMask } from './attention-mask.js';
import { SinusoidalPositionalEncoding } from './sinusoidal-positional-encoding.js';
import { Transformer } from './transformer.js';
import type { TransformerActivation } from './transformer-activation.js';

/** Options of `Seq2SeqTransformer`. */
export interface Seq2SeqTransformerOptions {
  /** Source token ids. */
  srcVocabSize: number;
  /** Target token ids. */
  tgtVocabSize: number;
  /** Features per token (default 64). */
  dModel?: number;
  /** Attention heads (default 4). */
  nhead?: number;
  /** Encoder layers (default 2). */
  numEncoderLayers?: number;
  /** Decoder layers (default 2). */
  numDecoderLayers?: number;
  /** Feed-forward width (default 4·dModel). */
  dimFeedforward?: number;
  /** Dropout (default 0.1). */
  dropout?: number;
  /** Feed-forward activation (default 'relu'). */
  activation?: TransformerActivation;
  /** Pre-norm layers (default false). */
  normFirst?: boolean;
  /** Longest sequence the positional encoding covers (default 512). */
  maxLen?: number;
  /** The padding id: padded source and target positions are masked out of attention (default none). */
  padIdx?: number | null;
  /** The random stream of the dropouts. */
  generator?: Generator;
}

/** Options of `Seq2SeqTransformer.greedyDecode`. */
export interface Seq2SeqDecodeOptions {
  /** The id every target starts with. */
  bos: number;
  /** The id that ends a target. */
  eos: number;
  /** Tokens to produce at most (after BOS). */
  maxLen: number;
}

/**
 * An encoder–decoder transformer for sequence-to-sequence tasks, as
 * PyTorch's translation tutorial builds it around `nn.Transformer`: source
 * and target token embeddings scaled by √dModel, sinusoidal positions, the
 * batch-first `Transformer` with the causal mask on the target and the
 * padding masked out, and `generator`, the projection to target logits.
 * Trained with teacher forcing (the target shifted right as decoder input);
 * decoded greedily, re-running the decoder over the growing prefix.
 *
 * @example
 * ```ts
 * const model = new Seq2SeqTransformer({ srcVocabSize: 13, tgtVocabSize: 13, dModel: 32, padIdx: 10 });
 * const logits = model.forward(src, tgtIn); // src [N, S], tgtIn [N, T] int32 → [N, T, 13]
 * ```
 */
export class Seq2SeqTransformer extends Module<[Tensor, Tensor], Tensor> {
  /** Source token embedding. */
  src_tok_emb: Embedding;
  /** Target token embedding. */
  tgt_tok_emb: Embedding;
  /** Sinusoidal positions (with dropout). */
  positional_encoding: SinusoidalPositionalEncoding;
  /** The encoder–decoder stack. */
  transformer: Transformer;
  /** Projection of the decoder output to target logits. */
  generator: Linear;
  /** The options with defaults filled in. */
  readonly options: Readonly<Seq2SeqTransformerOptions> & { readonly dModel: number; readonly padIdx: number | null };

  /** Builds the model. */
  constructor(options: Seq2SeqTransformerOptions) {
    super();
    const dModel = options.dModel ?? 64;
    const dropout = options.dropout ?? 0.1;
    const gen = options.generator ? { generator: options.generator } : {};
    this.options = { ...options, dModel, padIdx: options.padIdx ?? null };
    this.src_tok_emb = new Embedding(options.srcVocabSize, dModel);
    this.tgt_tok_emb = new Embedding(options.tgtVocabSize, dModel);
    // N(0, 1/dModel), so the embeddings scaled by √dModel have unit variance, like the positional encodings
    // (PyTorch's N(0, 1) scaled by √dModel would drown the positions the task depends on)
    normal_(this.src_tok_emb.weight, 0, 1 / Math.sqrt(dModel));
    normal_(this.tgt_tok_emb.weight, 0, 1 / Math.sqrt(dModel));
    this.positional_encoding = new SinusoidalPositionalEncoding(dModel, { maxLen: options.maxLen ?? 512, dropout, batchFirst: true, ...gen });
    this.transformer = new Transformer({
      dModel,
      nhead: options.nhead ?? 4,
      numEncoderLayers: options.numEncoderLayers ?? 2,
      numDecoderLayers: options.numDecoderLayers ?? 2,
      dimFeedforward: options.dimFeedforward ?? 4 * dModel,
      dropout,
      activation: options.activation ?? 'relu',
      normFirst: options.normFirst ?? false,
      batchFirst: true,
      ...gen,
    });
    this.generator = new Linear(dModel, options.tgtVocabSize);
  }

  /** Target logits [N, T, tgtVocabSize] for sources [N, S] and decoder inputs [N, T] (int32 ids). */
  forward(src: Tensor, tgtIn: Tensor): Tensor {
    for (const [name, t] of [
      ['src', src],
      ['tgtIn', tgtIn],
    ] as const) {
      if (t.dtype !== 'int32') throw new DTypeError('Seq2SeqTransformer', `${name} must be int32 token ids, got ${t.dtype}`);
      if (t.rank !== 2) throw new ShapeError('Seq2SeqTransformer', `expected ${name} [N, length], got ${fmtShape(t.shape)}`);
    }
    const memory = this.encode(src);
    return this.decode(tgtIn, memory, src);
  }

  /** The encoder's output for sources [N, S]: memory [N, S, dModel]. */
  encode(src: Tensor): Tensor {
    const x = this.positional_encoding.forward(this.src_tok_emb.forward(src).mul(Math.sqrt(this.options.dModel)));
    return this.transformer.encoder.forward(x, { srcKeyPaddingMask: this.paddingMask(src) });
  }

  /** Target logits for decoder inputs [N, T] attending to `memory` of the sources `src`. */
  decode(tgtIn: Tensor, memory: Tensor, src: Tensor): Tensor {
    const T = tgtIn.shape[1]!;
    const y = this.positional_encoding.forward(this.tgt_tok_emb.forward(tgtIn).mul(Math.sqrt(this.options.dModel)));
    const out = this.transformer.decoder.forward(y, memory, {
      tgtMask: generateSquareSubsequentMask(T, { backend: tgtIn.backend.name }),
      tgtKeyPaddingMask: this.paddingMask(tgtIn),
      memoryKeyPaddingMask: this.paddingMask(src),
    });
    return this.generator.forward(out);
  }

  /**
   * Greedy decoding: encodes the sources once, then repeatedly feeds BOS and
   * the tokens chosen so far and appends the argmax of the last position,
   * until every row has produced EOS or `maxLen` tokens. Resolves to each
   * row's tokens after BOS, up to and without EOS. Asynchronous: each step's
   * tokens are read back from the model's backend (WebGPU included); every
   * tensor it makes is freed.
   *
   * @example
   * ```ts
   * const tokens = await model.greedyDecode(src, { bos: 11, eos: 12, maxLen: 8 }); // src [N, S] int32
   * ```
   */
  async greedyDecode(src: Tensor, options: Seq2SeqDecodeOptions): Promise<number[][]> {
    const op = 'Seq2SeqTransformer.greedyDecode';
    const { bos, eos, maxLen } = options;
    if (!Number.isInteger(maxLen) || maxLen < 1) throw new ArgumentError(op, `maxLen must be a positive integer, got ${maxLen}`);
    if (src.dtype !== 'int32') throw new DTypeError(op, `src must be int32 token ids, got ${src.dtype}`);
    if (src.rank !== 2) throw new ShapeError(op, `expected src [N, length], got ${fmtShape(src.shape)}`);
    const N = src.shape[0]!;
    const rows = Array.from({ length: N }, () => [bos]);
    const done = new Array<boolean>(N).fill(false);
    const memory = tidy(() => noGrad(() => this.encode(src)));
    try {
      for (let t = 0; t < maxLen && done.some((d) => !d); t++) {
        const next = tidy(() =>
          noGrad(() => {
            const logits = this.decode(tensor(rows, { dtype: 'int32', backend: src.backend.name }), memory, src);
            return select(logits, 1, t).argmax(-1);
          }),
        );
        let ids: TypedArray;
        try {
          ids = await next.data();
        } finally {
          next.dispose();
        }
        for (let n = 0; n < N; n++) {
          if (done[n]) continue;
          rows[n]!.push(Number(ids[n]));
          if (ids[n] === eos) done[n] = true;
        }
        // finished rows are padded with EOS so every row keeps the prefix length
        for (let n = 0; n < N; n++) if (done[n] && rows[n]!.length < t + 2) rows[n]!.push(eos);
      }
    } finally {
      memory.dispose();
    }
    return rows.map((r) => {
      const body = r.slice(1);
      const end = body.indexOf(eos);
      return end < 0 ? body : body.slice(0, end);
    });
  }

  private paddingMask(ids: Tensor): Tensor | null {
    return this.options.padIdx === null ? null : eq(ids, this.options.padIdx);
  }
}
