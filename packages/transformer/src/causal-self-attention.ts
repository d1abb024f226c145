import { ArgumentError, ShapeError, fmtShape, permute, reshape, split, type Generator, type Tensor } from '@webgrad/core-tensor';
import { Linear, Module } from '@webgrad/nn';
import { Dropout } from '@webgrad/regularize';
import { causalMask } from './attention-mask.js';
import type { KVCache } from './kv-cache.js';
import type { RotaryEmbedding } from './rotary-embedding.js';
import { scaledDotProductAttention } from './scaled-dot-product-attention.js';

/** Options of `CausalSelfAttention`. */
export interface CausalSelfAttentionOptions {
  /** Dropout on the attention weights and on the output (default 0). */
  dropout?: number;
  /** Biases in the projections (default true). */
  bias?: boolean;
  /** Rotate queries and keys by their positions (RoPE) before attending. */
  rotary?: RotaryEmbedding | null;
  /** The random stream of the dropouts. */
  generator?: Generator;
}

/** Options of `CausalSelfAttention.forward`. */
export interface CausalSelfAttentionForwardOptions {
  /** The cache to read past keys/values from and append this chunk's to. */
  cache?: KVCache | null;
  /** This layer's index in the cache. */
  layer?: number;
}

/**
 * Masked multi-head self-attention of a decoder-only transformer, with
 * nanoGPT's parameter names: `c_attn` projects x [B, T, C] to q, k, v in one
 * product, the heads attend causally, `c_proj` mixes them back. With a
 * `KVCache`, the T new positions attend to the P cached ones and to each
 * other causally (query t sees keys ≤ P + t) and their keys and values are
 * appended, so decoding one token costs one position's projections.
 *
 * @example
 * ```ts
 * const attn = new CausalSelfAttention(64, 4);
 * const y = attn.forward(randn([2, 10, 64])); // [2, 10, 64]; y[:, t] depends on x[:, ≤ t] only
 * ```
 */
export class CausalSelfAttention extends Module<[Tensor, CausalSelfAttentionForwardOptions?], Tensor> {
  /** q, k, v projection C → 3C. */
  c_attn: Linear;
  /** Output projection C → C. */
  c_proj: Linear;
  /** Dropout on the attention weights. */
  attn_dropout: Dropout;
  /** Dropout on the output. */
  resid_dropout: Dropout;
  private readonly _rotary: RotaryEmbedding | null;
  private readonly _generator: Generator | undefined;

  /** Attention over nEmbd features in nHead heads. */
  constructor(
    readonly nEmbd: number,
    readonly nHead: number,
    options: CausalSelfAttentionOptions = {},
  ) {
    super();
    if (!Number.isInteger(nEmbd) || !Number.isInteger(nHead) || nHead < 1 || nEmbd % nHead !== 0) {
      throw new ArgumentError('CausalSelfAttention', `nEmbd must be a multiple of nHead, got nEmbd ${nEmbd} and nHead ${nHead}`);
    }
    const bias = options.bias ?? true;
    const gen = options.generator ? { generator: options.generator } : {};
    this.c_attn = new Linear(nEmbd, 3 * nEmbd, { bias });
    this.c_proj = new Linear(nEmbd, nEmbd, { bias });
    this.attn_dropout = new Dropout(options.dropout ?? 0, gen);
    this.resid_dropout = new Dropout(options.dropout ?? 0, gen);
    this._rotary = options.rotary ?? null;
    this._generator = options.generator;
    if (this._rotary && this._rotary.dim > nEmbd / nHead) {
      throw new ArgumentError('CausalSelfAttention', `the rotary dim ${this._rotary.dim} exceeds the head dim ${nEmbd / nHead}`);
    }
  }

  /** Attends x [B, T, C] causally (after the cached positions, when a cache is given). */
  forward(x: Tensor, options: CausalSelfAttentionForwardOptions = {}): Tensor {
    if (x.rank !== 3 || x.shape[2] !== this.nEmbd) throw new ShapeError('CausalSelfAttention', `expected input [B, T, ${this.nEmbd}], got ${fmtShape(x.shape)}`);
    const [B, T, C] = x.shape as [number, number, number];
    const H = this.nHead;
    const heads = (t: Tensor): Tensor => permute(reshape(t, [B, T, H, C / H]), [0, 2, 1, 3]);
    const [q0, k0, v0] = split(this.c_attn.forward(x), C, 2).map(heads) as [Tensor, Tensor, Tensor];
    const cache = options.cache ?? null;
    const past = cache ? (cache.get(options.layer ?? 0)?.keys.shape[2] ?? 0) : 0;
    const q = this._rotary ? this._rotary.rotate(q0, past) : q0;
    let k = this._rotary ? this._rotary.rotate(k0, past) : k0;
    let v = v0;
    if (cache) ({ keys: k, values: v } = cache.append(options.layer ?? 0, k, v));
    const dropout = this.training ? this.attn_dropout.p : 0;
    const gen = this._generator ? { generator: this._generator } : {};
    // one new query sees every cached key; a chunk needs the causal mask shifted by the past
    const y =
      past === 0
        ? scaledDotProductAttention(q, k, v, { causal: true, dropout, ...gen })
        : scaledDotProductAttention(q, k, v, { mask: T === 1 ? null : causalMask(T, past + T, { offset: past, backend: x.backend.name }), dropout, ...gen });
    return this.resid_dropout.forward(this.c_proj.forward(reshape(permute(y, [0, 2, 1, 3]), [B, T, C])));
  }
}
