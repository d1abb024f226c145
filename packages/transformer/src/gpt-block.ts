import type { Generator, Tensor } from '@webgrad/core-tensor';
import { GELU, Linear, Module } from '@webgrad/nn';
import { Dropout, LayerNorm } from '@webgrad/regularize';
import { CausalSelfAttention, type CausalSelfAttentionForwardOptions } from './causal-self-attention.js';
import type { RotaryEmbedding } from './rotary-embedding.js';

/** Options of `GPTBlock` and `GPTMLP`. */
export interface GPTBlockOptions {
  /** Dropout rate (default 0). */
  dropout?: number;
  /** Biases in the linear layers and layer norms (default true). */
  bias?: boolean;
  /** RoPE for the attention. */
  rotary?: RotaryEmbedding | null;
  /** The random stream of the dropouts. */
  generator?: Generator;
}

/**
 * The feed-forward network of a GPT block with nanoGPT's names: `c_fc`
 * C → 4C, exact GELU, `c_proj` 4C → C, dropout.
 */
export class GPTMLP extends Module<[Tensor], Tensor> {
  /** Expansion C → 4C. */
  c_fc: Linear;
  /** The activation. */
  gelu: GELU;
  /** Projection 4C → C. */
  c_proj: Linear;
  /** Dropout on the output. */
  dropout: Dropout;

  /** The network for nEmbd features. */
  constructor(
    readonly nEmbd: number,
    options: GPTBlockOptions = {},
  ) {
    super();
    const bias = options.bias ?? true;
    this.c_fc = new Linear(nEmbd, 4 * nEmbd, { bias });
    this.gelu = new GELU();
    this.c_proj = new Linear(4 * nEmbd, nEmbd, { bias });
    this.dropout = new Dropout(options.dropout ?? 0, options.generator ? { generator: options.generator } : {});
  }

  /** dropout(c_proj(gelu(c_fc(x)))). */
  forward(x: Tensor): Tensor {
    return this.dropout.forward(this.c_proj.forward(this.gelu.forward(this.c_fc.forward(x))));
  }
}

/**
 * One pre-norm decoder block of GPT-2, with nanoGPT's names:
 * x = x + attn(ln_1(x)); x = x + mlp(ln_2(x)).
 */
export class GPTBlock extends Module<[Tensor, CausalSelfAttentionForwardOptions?], Tensor> {
  /** Norm before the attention. */
  ln_1: LayerNorm;
  /** Causal self-attention. */
  attn: CausalSelfAttention;
  /** Norm before the feed-forward network. */
  ln_2: LayerNorm;
  /** The feed-forward network. */
  mlp: GPTMLP;

  /** A block of nEmbd features and nHead heads. */
  constructor(nEmbd: number, nHead: number, options: GPTBlockOptions = {}) {
    super();
    const bias = options.bias ?? true;
    this.ln_1 = new LayerNorm(nEmbd, { bias });
    this.attn = new CausalSelfAttention(nEmbd, nHead, options);
    this.ln_2 = new LayerNorm(nEmbd, { bias });
    this.mlp = new GPTMLP(nEmbd, options);
  }

  /** Applies the block to x [B, T, C] (with the cache options passed to the attention). */
  forward(x: Tensor, options: CausalSelfAttentionForwardOptions = {}): Tensor {
    const h = x.add(this.attn.forward(this.ln_1.forward(x), options));
    return h.add(this.mlp.forward(this.ln_2.forward(h)));
  }
}
