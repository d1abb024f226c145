import { ArgumentError, DTypeError, fmtShape, matmul, reshape, ShapeError, softmax, squeeze, tanh, unsqueeze, where, type Tensor } from '@webgrad/core-tensor';
import { Linear, Module } from '@webgrad/nn';
import { linearProjection } from './linear-projection.js';

/** What an attention step returns. */
export interface AttentionResult {
  /** The context c = Σ_i α_i·h_i, [B, keyDim]. */
  context: Tensor;
  /** The attention weights α (a distribution over the source positions), [B, S]. */
  weights: Tensor;
}

/**
 * α = softmax(e) over the source positions where `mask` [B, S] is true
 * (padding gets weight 0) and c = Σ α_i h_i: the part every attention shares.
 */
export function attend(scores: Tensor, keys: Tensor, mask: Tensor | null): AttentionResult {
  const e = mask ? where(mask, scores, -Infinity) : scores;
  const weights = softmax(e, -1);
  const context = squeeze(matmul(unsqueeze(weights, 1), keys), 1);
  return { context, weights };
}

function checkKeys(op: string, query: Tensor, keys: Tensor, mask: Tensor | null, queryDim: number, keyDim: number): void {
  if (query.rank !== 2 || query.shape[1] !== queryDim || keys.rank !== 3 || keys.shape[2] !== keyDim || keys.shape[0] !== query.shape[0]) {
    throw new ShapeError(op, `expected query [B, ${queryDim}] and keys [B, S, ${keyDim}], got query ${fmtShape(query.shape)} and keys ${fmtShape(keys.shape)}`);
  }
  if (mask && (mask.rank !== 2 || mask.shape[0] !== keys.shape[0] || mask.shape[1] !== keys.shape[1])) {
    throw new ShapeError(op, `expected mask [B, S] = ${fmtShape(keys.shape.slice(0, 2))}, got ${fmtShape(mask.shape)}`);
  }
  if (mask && mask.dtype !== 'bool') throw new DTypeError(op, `mask must be bool, got ${mask.dtype}`);
}

/**
 * Additive attention (Bahdanau, Cho & Bengio 2015): the score of source
 * position i for decoder state s is e_i = vᵀ tanh(W_s·s + W_h·h_i + b),
 * α = softmax(e), c = Σ_i α_i h_i. W_h·h_i does not depend on the decoder
 * step, so `projectKeys` computes it once per source sentence.
 *
 * @example
 * ```ts
 * const attn = new BahdanauAttention(64, 128);
 * const { context, weights } = attn.forward(s, encoderOutputs, srcMask);
 * ```
 */
export class BahdanauAttention extends Module<[Tensor, Tensor, (Tensor | null)?, (Tensor | null)?], AttentionResult> {
  /** W_s: decoder state → attention space (no bias). */
  queryProj: Linear;
  /** W_h and b: encoder output → attention space. */
  keyProj: Linear;
  /** v: attention space → score (no bias). */
  score: Linear;

  /** A query of `queryDim`, keys of `keyDim`, scored in an `attentionDim`-dimensional space (default queryDim). */
  constructor(
    /** Size of the decoder state. */
    readonly queryDim: number,
    /** Size of each encoder output. */
    readonly keyDim: number,
    /** Size of the space e is computed in. */
    readonly attentionDim: number = queryDim,
  ) {
    super();
    this.queryProj = new Linear(queryDim, attentionDim, { bias: false });
    this.keyProj = new Linear(keyDim, attentionDim);
    this.score = new Linear(attentionDim, 1, { bias: false });
  }

  /** W_h·h_i + b for every source position, [B, S, attentionDim]: compute once, pass to every step. */
  projectKeys(keys: Tensor): Tensor {
    return this.keyProj.forward(keys);
  }

  /** One step: the context and weights for `query` [B, queryDim] over `keys` [B, S, keyDim]. */
  forward(query: Tensor, keys: Tensor, mask: Tensor | null = null, projectedKeys: Tensor | null = null): AttentionResult {
    checkKeys('BahdanauAttention', query, keys, mask, this.queryDim, this.keyDim);
    const pk = projectedKeys ?? this.projectKeys(keys);
    const q = unsqueeze(linearProjection(query, this.queryProj.weight), 1);
    const e = squeeze(linearProjection(tanh(q.add(pk)), this.score.weight), 2);
    return attend(e, keys, mask);
  }

  /** `query_dim=…, key_dim=…, attention_dim=…` */
  override extraRepr(): string {
    return `query_dim=${this.queryDim}, key_dim=${this.keyDim}, attention_dim=${this.attentionDim}`;
  }
}

/** Luong's score functions: 'dot' e_i = sᵀh_i (needs queryDim = keyDim), 'general' e_i = sᵀW·h_i. */
export type LuongScore = 'dot' | 'general';

/**
 * Multiplicative attention (Luong, Pham & Manning 2015), scored with the
 * current decoder state s_t: e_i = s_tᵀh_i ('dot') or s_tᵀW h_i ('general'),
 * α = softmax(e), c_t = Σ_i α_i h_i.
 *
 * @example
 * ```ts
 * const attn = new LuongAttention(64, 64, 'dot');
 * const { context } = attn.forward(s, encoderOutputs);
 * ```
 */
export class LuongAttention extends Module<[Tensor, Tensor, (Tensor | null)?], AttentionResult> {
  /** W of the 'general' score (keyDim → queryDim, no bias), or null for 'dot'. */
  weight: Linear | null;

  /** A query of `queryDim` and keys of `keyDim` with the given score. */
  constructor(
    /** Size of the decoder state. */
    readonly queryDim: number,
    /** Size of each encoder output. */
    readonly keyDim: number,
    /** The score function. */
    readonly scoreFn: LuongScore = 'general',
  ) {
    super();
    if (scoreFn !== 'dot' && scoreFn !== 'general') throw new ArgumentError('LuongAttention', `unknown score '${String(scoreFn)}' (expected 'dot' or 'general')`);
    if (scoreFn === 'dot' && queryDim !== keyDim) throw new ArgumentError('LuongAttention', `the 'dot' score needs queryDim = keyDim, got ${queryDim} and ${keyDim} (use 'general')`);
    this.weight = scoreFn === 'general' ? new Linear(keyDim, queryDim, { bias: false }) : null;
  }

  /** One step: the context and weights for `query` [B, queryDim] over `keys` [B, S, keyDim]. */
  forward(query: Tensor, keys: Tensor, mask: Tensor | null = null): AttentionResult {
    checkKeys('LuongAttention', query, keys, mask, this.queryDim, this.keyDim);
    const k = this.weight ? linearProjection(keys, this.weight.weight) : keys;
    const B = query.shape[0]!;
    const e = reshape(matmul(k, unsqueeze(query, 2)), [B, keys.shape[1]!]);
    return attend(e, keys, mask);
  }

  /** `query_dim=…, key_dim=…, score=…` */
  override extraRepr(): string {
    return `query_dim=${this.queryDim}, key_dim=${this.keyDim}, score=${this.scoreFn}`;
  }
}
