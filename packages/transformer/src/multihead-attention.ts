import {
  ArgumentError,
  ShapeError,
  add,
  concat,
  fmtShape,
  matmul,
  pad,
  permute,
  reshape,
  slice,
  split,
  squeeze,
  transpose,
  unsqueeze,
  zeros,
  type Generator,
  type Tensor,
} from '@webgrad/core-tensor';
import { Linear, Module, Parameter, constant_, xavierNormal_, xavierUniform_ } from '@webgrad/nn';
import { checkDropoutProbability } from '@webgrad/regularize';
import { additiveMask, causalMask } from './attention-mask.js';
import { scaledDotProductAttention, scaledDotProductAttentionWithWeights } from './scaled-dot-product-attention.js';

/** Options of `MultiheadAttention` (PyTorch's `nn.MultiheadAttention`, in camelCase). */
export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training mode (default 0). */
  dropout?: number;
  /** Learn biases of the input and output projections (default true). */
  bias?: boolean;
  /** Append learned key and value vectors `bias_k`, `bias_v` to every sequence (default false). */
  addBiasKv?: boolean;
  /** Append an all-zero key and value to every sequence, after the heads are split (default false). */
  addZeroAttn?: boolean;
  /** Features of the keys (default embedDim); when it or vdim differs, q/k/v get separate projection weights. */
  kdim?: number | null;
  /** Features of the values (default embedDim). */
  vdim?: number | null;
  /** Inputs and outputs are [batch, length, features] (default false: [length, batch, features]). */
  batchFirst?: boolean;
  /** The random stream of the attention dropout (default: core-tensor's default generator). */
  generator?: Generator;
}

/** Options of `MultiheadAttention.forward` (PyTorch's keyword arguments, in camelCase). */
export interface MultiheadAttentionForwardOptions {
  /** Key padding, [N, S] (or [S] unbatched): true (or −∞ for a float mask) marks a key to ignore. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights as the second output (default true). */
  needWeights?: boolean;
  /**
   * [L, S] or [N·numHeads, L, S]: a bool mask where true means "may NOT
   * attend" (PyTorch's MHA convention), or a float mask added to the scores.
   */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads ([N, L, S]) rather than per head ([N, numHeads, L, S]); default true. */
  averageAttnWeights?: boolean;
  /**
   * Apply the causal mask (query i sees keys j ≤ i). Without `attnMask` the
   * mask is built here; with one, it is taken to be the causal mask already
   * (PyTorch 2's hint), and used as given.
   */
  isCausal?: boolean;
}

/**
 * Multi-head attention (Vaswani et al. 2017), PyTorch's
 * `nn.MultiheadAttention` with its parameter names, layout, initialisation and
 * semantics: the inputs are projected by the rows of `in_proj_weight`
 * (q = x·W_qᵀ + b_q, k, v likewise), split into `numHeads` heads of
 * embedDim/numHeads features, attended independently with
 * softmax(q·kᵀ/√d + mask)·v, concatenated and projected by `out_proj`.
 * Weights saved from PyTorch load with `loadStateDict` and give the same
 * outputs.
 *
 * @example
 * ```ts
 * const mha = new MultiheadAttention(16, 4, { batchFirst: true });
 * const x = randn([2, 5, 16]);
 * const [y, w] = mha.forward(x, x, x); // y [2, 5, 16], w [2, 5, 5] (averaged over heads)
 * ```
 */
export class MultiheadAttention extends Module<[Tensor, Tensor, Tensor, MultiheadAttentionForwardOptions?], [Tensor, Tensor | null]> {
  /** The packed q/k/v projection [3·embedDim, embedDim] (null when kdim or vdim differ). */
  in_proj_weight: Parameter | null;
  /** The query projection [embedDim, embedDim] when kdim or vdim differ from embedDim (else null). */
  q_proj_weight: Parameter | null;
  /** The key projection [embedDim, kdim] when kdim or vdim differ from embedDim (else null). */
  k_proj_weight: Parameter | null;
  /** The value projection [embedDim, vdim] when kdim or vdim differ from embedDim (else null). */
  v_proj_weight: Parameter | null;
  /** The packed q/k/v bias [3·embedDim] (null without bias). */
  in_proj_bias: Parameter | null;
  /** The output projection. */
  out_proj: Linear;
  /** The learned extra key [1, 1, embedDim] (with `addBiasKv`). */
  bias_k: Parameter | null;
  /** The learned extra value [1, 1, embedDim] (with `addBiasKv`). */
  bias_v: Parameter | null;
  /** Features per head, embedDim / numHeads. */
  readonly headDim: number;
  /** Features of the keys. */
  readonly kdim: number;
  /** Features of the values. */
  readonly vdim: number;
  /** The options with their defaults filled in. */
  readonly options: Readonly<Required<Omit<MultiheadAttentionOptions, 'generator' | 'kdim' | 'vdim'>>> & Pick<MultiheadAttentionOptions, 'generator'>;

  /** Creates the layer with PyTorch's initialisation: Xavier-uniform input projections, zero biases. */
  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    const op = 'MultiheadAttention';
    if (!Number.isInteger(embedDim) || embedDim < 1) throw new ArgumentError(op, `embedDim must be a positive integer, got ${embedDim}`);
    if (!Number.isInteger(numHeads) || numHeads < 1) throw new ArgumentError(op, `numHeads must be a positive integer, got ${numHeads}`);
    if (embedDim % numHeads !== 0) throw new ArgumentError(op, `embedDim must be divisible by numHeads, got embedDim ${embedDim} and numHeads ${numHeads}`);
    const dropout = options.dropout ?? 0;
    checkDropoutProbability(op, dropout);
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    for (const [name, d] of [
      ['kdim', this.kdim],
      ['vdim', this.vdim],
    ] as const) {
      if (!Number.isInteger(d) || d < 1) throw new ArgumentError(op, `${name} must be a positive integer, got ${d}`);
    }
    this.headDim = embedDim / numHeads;
    this.options = {
      dropout,
      bias: options.bias ?? true,
      addBiasKv: options.addBiasKv ?? false,
      addZeroAttn: options.addZeroAttn ?? false,
      batchFirst: options.batchFirst ?? false,
      ...(options.generator ? { generator: options.generator } : {}),
    };
    const packed = this.kdim === embedDim && this.vdim === embedDim;
    // properties in PyTorch's registration order, so state dicts list the same keys in the same order
    this.in_proj_weight = packed ? new Parameter(zeros([3 * embedDim, embedDim])) : null;
    this.q_proj_weight = packed ? null : new Parameter(zeros([embedDim, embedDim]));
    this.k_proj_weight = packed ? null : new Parameter(zeros([embedDim, this.kdim]));
    this.v_proj_weight = packed ? null : new Parameter(zeros([embedDim, this.vdim]));
    this.in_proj_bias = this.options.bias ? new Parameter(zeros([3 * embedDim])) : null;
    this.out_proj = new Linear(embedDim, embedDim, { bias: this.options.bias });
    this.bias_k = this.options.addBiasKv ? new Parameter(zeros([1, 1, embedDim])) : null;
    this.bias_v = this.options.addBiasKv ? new Parameter(zeros([1, 1, embedDim])) : null;
    this.resetParameters();
  }

  /** True when q, k and v share the packed `in_proj_weight` (kdim = vdim = embedDim). */
  get qkvSameEmbedDim(): boolean {
    return this.in_proj_weight !== null;
  }

  /**
   * Re-draws the parameters as PyTorch's `_reset_parameters`: Xavier-uniform
   * input projections, zero input and output biases, Xavier-normal `bias_k`
   * and `bias_v` (the output weight keeps Linear's initialisation).
   */
  resetParameters(): void {
    if (this.in_proj_weight) xavierUniform_(this.in_proj_weight);
    for (const w of [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) if (w) xavierUniform_(w);
    if (this.in_proj_bias) {
      constant_(this.in_proj_bias, 0);
      if (this.out_proj.bias) constant_(this.out_proj.bias, 0);
    }
    if (this.bias_k) xavierNormal_(this.bias_k);
    if (this.bias_v) xavierNormal_(this.bias_v);
  }

  /**
   * Attends `query` [L, N, E] to `key` [S, N, kdim] and `value` [S, N, vdim]
   * ([N, ·, ·] with batchFirst; [L, E], [S, kdim], [S, vdim] unbatched).
   * Returns the output (shaped like the query) and, with `needWeights`, the
   * attention weights [N, L, S] (averaged) or [N, numHeads, L, S].
   */
  forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const op = 'MultiheadAttention';
    const E = this.embedDim;
    const H = this.numHeads;
    const D = this.headDim;
    const batched = checkInputs(op, query, key, value, options);
    const selfAttention = query === key && key === value;
    // work batch-first: [N, L, E]
    const toBatchFirst = (t: Tensor): Tensor => (batched ? (this.options.batchFirst ? t : transpose(t, 0, 1)) : unsqueeze(t, 0));
    const q0 = toBatchFirst(query);
    const k0 = selfAttention ? q0 : toBatchFirst(key);
    const v0 = key === value ? k0 : toBatchFirst(value);
    const [N, L] = [q0.shape[0]!, q0.shape[1]!];
    const S0 = k0.shape[1]!;
    if (q0.shape[2] !== E || k0.shape[2] !== this.kdim || v0.shape[2] !== this.vdim) {
      throw new ShapeError(
        op,
        `expected query features ${E}, key features ${this.kdim} and value features ${this.vdim}, got query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)}, value ${fmtShape(value.shape)}`,
      );
    }
    if (k0.shape[0] !== N || v0.shape[0] !== N || v0.shape[1] !== S0) {
      throw new ShapeError(op, `query, key and value must share the batch and key and value the length, got query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)}, value ${fmtShape(value.shape)}`);
    }

    const projected = this.project(q0, k0, v0, selfAttention);
    const q = projected.q;
    let { k, v } = projected;
    let masks = this.prepareMasks(op, options, batched, N, L, S0, q.dtype, q.backend.name);
    if (this.bias_k && this.bias_v) {
      k = concat([k, this.bias_k.expand([N, 1, E])], 1);
      v = concat([v, this.bias_v.expand([N, 1, E])], 1);
      masks = masks.map((m) => pad(m, [0, 1]));
    }
    // heads: [N, T, E] → [N, H, T, D]; head h of sample n is PyTorch's row n·H + h
    const heads = (t: Tensor): Tensor => permute(reshape(t, [N, t.shape[1]!, H, D]), [0, 2, 1, 3]);
    const qh = heads(q);
    let kh = heads(k);
    let vh = heads(v);
    if (this.options.addZeroAttn) {
      kh = concat([kh, zeros([N, H, 1, D], { dtype: kh.dtype, backend: kh.backend.name })], 2);
      vh = concat([vh, zeros([N, H, 1, D], { dtype: vh.dtype, backend: vh.backend.name })], 2);
      masks = masks.map((m) => pad(m, [0, 1]));
    }
    const mask = masks.length === 0 ? null : masks.reduce((a, b) => add(a, b));
    const p = this.training ? this.options.dropout : 0;
    const sdpaOptions = { mask, dropout: p, ...(this.options.generator ? { generator: this.options.generator } : {}) };
    // without the weights, attention may run as the fused op (WebGPU, no dropout)
    const { output, weights } =
      options.needWeights === false
        ? { output: scaledDotProductAttention(qh, kh, vh, sdpaOptions), weights: null }
        : scaledDotProductAttentionWithWeights(qh, kh, vh, sdpaOptions);
    // [N, H, L, D] → [N, L, E] → out_proj
    let out = this.out_proj.forward(reshape(permute(output, [0, 2, 1, 3]), [N, L, E]));
    out = batched ? (this.options.batchFirst ? out : transpose(out, 0, 1)) : squeeze(out, 0);
    if (weights === null) return [out, null];
    let w = options.averageAttnWeights === false ? weights : weights.sum(1).div(H);
    if (!batched) w = squeeze(w, 0);
    return [out, w];
  }

  /** q, k, v [N, ·, E] from the packed or separate input projections. */
  private project(q0: Tensor, k0: Tensor, v0: Tensor, selfAttention: boolean): { q: Tensor; k: Tensor; v: Tensor } {
    const E = this.embedDim;
    const bias = this.in_proj_bias ? split(this.in_proj_bias, E, 0) : [null, null, null];
    if (this.in_proj_weight) {
      if (selfAttention) {
        // one product for all three, as PyTorch's packed self-attention path
        const [q, k, v] = split(linear(q0, this.in_proj_weight, this.in_proj_bias), E, -1) as [Tensor, Tensor, Tensor];
        return { q, k, v };
      }
      const w = this.in_proj_weight;
      const rows = (i: number): Tensor => slice(w, [[i * E, (i + 1) * E]]);
      return { q: linear(q0, rows(0), bias[0]!), k: linear(k0, rows(1), bias[1]!), v: linear(v0, rows(2), bias[2]!) };
    }
    return {
      q: linear(q0, this.q_proj_weight!, bias[0]!),
      k: linear(k0, this.k_proj_weight!, bias[1]!),
      v: linear(v0, this.v_proj_weight!, bias[2]!),
    };
  }

  /**
   * The attention and key-padding masks as additive float masks that
   * broadcast against the scores [N, H, L, S]: attnMask [L, S] or
   * [N, H, L, S] (from [N·H, L, S]), keyPaddingMask [N, 1, 1, S].
   */
  private prepareMasks(op: string, options: MultiheadAttentionForwardOptions, batched: boolean, N: number, L: number, S: number, dtype: string, backend: string): Tensor[] {
    const H = this.numHeads;
    const fdtype = dtype === 'float64' ? 'float64' : 'float32';
    const masks: Tensor[] = [];
    const attn = options.attnMask ?? null;
    if (attn) {
      if (attn.rank === 2) {
        if (attn.shape[0] !== L || attn.shape[1] !== S) throw new ShapeError(op, `the shape of the 2D attnMask is ${fmtShape(attn.shape)}, but should be ${fmtShape([L, S])}`);
        masks.push(additiveMask(op, 'attnMask', attn, fdtype, false));
      } else if (attn.rank === 3) {
        if (attn.shape[0] !== N * H || attn.shape[1] !== L || attn.shape[2] !== S) {
          throw new ShapeError(op, `the shape of the 3D attnMask is ${fmtShape(attn.shape)}, but should be ${fmtShape([N * H, L, S])} (batch·numHeads, L, S)`);
        }
        masks.push(reshape(additiveMask(op, 'attnMask', attn, fdtype, false), [N, H, L, S]));
      } else {
        throw new ShapeError(op, `attnMask must be 2-D [L, S] or 3-D [N·numHeads, L, S], got ${fmtShape(attn.shape)}`);
      }
    } else if (options.isCausal) {
      masks.push(causalMask(L, S, { additive: true, backend, dtype: fdtype }));
    }
    const kpm = options.keyPaddingMask ?? null;
    if (kpm) {
      const want = batched ? [N, S] : [S];
      if (kpm.rank !== want.length || kpm.shape.some((d, i) => d !== want[i])) {
        throw new ShapeError(op, `expected keyPaddingMask ${fmtShape(want)} (${batched ? 'batch, key length' : 'key length'}), got ${fmtShape(kpm.shape)}`);
      }
      masks.push(reshape(additiveMask(op, 'keyPaddingMask', kpm, fdtype, false), [N, 1, 1, S]));
    }
    return masks;
  }

  /** `embed_dim=…, num_heads=…` plus the non-default options. */
  override extraRepr(): string {
    return `embed_dim=${this.embedDim}, num_heads=${this.numHeads}, batch_first=${this.options.batchFirst ? 'True' : 'False'}`;
  }
}

/** y = x·Wᵀ + b (PyTorch's `F.linear`). */
function linear(x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const y = matmul(x, transpose(w));
  return b ? add(y, b) : y;
}

/** Checks the ranks of query, key and value (3-D batched or 2-D unbatched) and the mask ranks; returns whether the input is batched. */
function checkInputs(op: string, query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions): boolean {
  for (const t of [query, key, value]) t.assertAlive(op);
  if (query.rank !== 2 && query.rank !== 3) throw new ShapeError(op, `query should be unbatched 2-D or batched 3-D, got ${fmtShape(query.shape)}`);
  const batched = query.rank === 3;
  if (key.rank !== query.rank || value.rank !== query.rank) {
    throw new ShapeError(op, `for ${query.rank}-D query, expected ${query.rank}-D key and value, got key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)}`);
  }
  const kpm = options.keyPaddingMask;
  if (kpm && kpm.rank !== (batched ? 2 : 1)) {
    throw new ShapeError(op, `for ${batched ? 'batched (3-D)' : 'unbatched (2-D)'} query, expected keyPaddingMask to be ${batched ? '2-D' : '1-D'}, got ${fmtShape(kpm.shape)}`);
  }
  return batched;
}
