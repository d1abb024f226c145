import {
  ArgumentError,
  ShapeError,
  batchMatmul,
  broadcastShapes,
  expand,
  fmtShape,
  hasKernel,
  isFloatDType,
  reshape,
  shapesEqual,
  sizeOf,
  softmax,
  DTypeError,
  zeros,
  type Generator,
  type Tensor,
} from '@webgrad/core-tensor';
import { dropout as dropoutFn } from '@webgrad/regularize';
import { additiveMask, causalMask } from './attention-mask.js';
import { broadcastStrides, fusedAttention } from './fused-attention.js';

/** Options of `scaledDotProductAttention` (PyTorch 2's `F.scaled_dot_product_attention`). */
export interface ScaledDotProductAttentionOptions {
  /**
   * Which keys each query may see, broadcastable to [..., L, S]: a bool mask
   * (true = attend, PyTorch 2's convention) or a float mask added to the
   * scores (0 to keep, −∞ to hide). Null or absent: every key is visible.
   */
  mask?: Tensor | null;
  /** Hide key j from query i when j > i (the top-left aligned causal mask). Not together with `mask`. */
  causal?: boolean;
  /** Probability of dropping an attention weight (inverted dropout, default 0). */
  dropout?: number;
  /** The factor the scores q·kᵀ are multiplied by (default 1/√E, E the query's last length). */
  scale?: number;
  /** The random stream of the dropout mask (default: core-tensor's default generator). */
  generator?: Generator;
}

/** The output of attention and the weights that made it. */
export interface AttentionOutput {
  /** softmax(q·kᵀ·scale + mask)·v, [..., L, Ev]. */
  output: Tensor;
  /** The attention weights (after dropout, as PyTorch returns them), [..., L, S]. */
  weights: Tensor;
}

/**
 * Scaled dot-product attention (Vaswani et al. 2017),
 * softmax(Q·Kᵀ/√E + M)·V, for queries [..., L, E], keys [..., S, E] and
 * values [..., S, Ev] whose batch axes broadcast.
 *
 * Without dropout, on a backend other than the CPU that has the fused
 * `scaledDotProductAttention` kernel (WebGPU), it is one fused op: an online
 * softmax over tiles of keys (FlashAttention), so the L×S weights are never
 * stored, with its own fused gradient. Otherwise (and always on the CPU,
 * whose composed path is exact and runs on its SIMD matrix products) it is
 * built from core ops: one batched matmul for the scores with Kᵀ never
 * materialised, one fused softmax, one batched matmul with V.
 *
 * @example
 * ```ts
 * const q = randn([2, 4, 5, 8]); // [batch, heads, L, E]
 * const y = scaledDotProductAttention(q, q, q, { causal: true }); // [2, 4, 5, 8]
 * ```
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options: ScaledDotProductAttentionOptions = {}): Tensor {
  const backend = query.backend.name;
  if ((options.dropout ?? 0) === 0 && backend !== 'cpu' && hasKernel('scaledDotProductAttention', backend)) {
    const fused = fusedScaledDotProductAttention(query, key, value, options);
    if (fused !== null) return fused;
  }
  return scaledDotProductAttentionWithWeights(query, key, value, options).output;
}

/**
 * Attention as the one fused op `scaledDotProductAttention` (on whatever
 * backend the inputs are on), or null where the fused op does not apply
 * (an empty axis, a mask that requires grad, more batch axes than the
 * kernel takes): the caller then takes the composed path.
 *
 * @internal exported for the tests, which check it against the composed path on the CPU.
 */
export function fusedScaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options: ScaledDotProductAttentionOptions = {}): Tensor | null {
  const op = 'scaledDotProductAttention';
  const { batch, L, S, E, Ev } = validateAttention(op, query, key, value, options);
  const mask = options.mask ?? null;
  if (L * S * E * Ev * sizeOf(batch) === 0 || batch.length > FUSED_MAX_BATCH_RANK || mask?.requiresGrad) return null;
  const B = sizeOf(batch);
  const full = (x: Tensor, r: number, c: number): Tensor => reshape(shapesEqual(x.shape.slice(0, -2), batch) ? x : expand(x, [...batch, r, c]), [B, r, c]);
  // no mask is a zero mask that broadcasts everywhere: the op always has its four inputs
  const padded = mask ? [...new Array<number>(batch.length + 2 - mask.rank).fill(1), ...mask.shape] : new Array<number>(batch.length + 2).fill(1);
  const m = mask ? reshape(additiveMask(op, 'mask', mask, query.dtype, true), padded) : zeros(padded, { dtype: query.dtype, backend: query.backend.name });
  const maskStrides = broadcastStrides(padded);
  const scale = options.scale ?? 1 / Math.sqrt(E);
  const o = fusedAttention(full(query, L, E), full(key, S, E), full(value, S, Ev), m, { scale, causal: options.causal === true, batchShape: batch, maskStrides });
  return reshape(o, [...batch, L, Ev]);
}

/** Batch axes the fused kernels take (the WebGPU uniforms hold 8 axes: the batch's, L and S). */
const FUSED_MAX_BATCH_RANK = 6;

/**
 * `scaledDotProductAttention` that also returns the attention weights
 * softmax(Q·Kᵀ·scale + M) (after dropout), [..., L, S].
 */
export function scaledDotProductAttentionWithWeights(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  options: ScaledDotProductAttentionOptions = {},
): AttentionOutput {
  const op = 'scaledDotProductAttention';
  const { batch, L, S, E, Ev } = validateAttention(op, query, key, value, options);
  const p = options.dropout ?? 0;
  const scoreShape = [...batch, L, S];
  const B = sizeOf(batch);
  const q3 = batched(query, batch, L, E);
  const k3 = batched(key, batch, S, E);
  const v3 = batched(value, batch, S, Ev);
  // PyTorch divides q by √E before the product (F.multi_head_attention_forward), so do we: same rounding
  const qs = options.scale === undefined ? q3.div(Math.sqrt(E)) : q3.mul(options.scale);
  let scores = reshape(batchMatmul(qs, k3, false, true), scoreShape);
  if (options.mask) scores = scores.add(additiveMask(op, 'mask', options.mask, scores.dtype, true));
  if (options.causal) scores = scores.add(causalMask(L, S, { additive: true, backend: scores.backend.name, dtype: scores.dtype === 'float64' ? 'float64' : 'float32' }));
  let weights = softmax(scores, -1);
  if (p > 0) weights = dropoutFn(weights, p, true, options.generator ? { generator: options.generator } : {});
  const output = reshape(batchMatmul(reshape(weights, [B, L, S]), v3), [...batch, L, Ev]);
  return { output, weights };
}

/** The shapes of an attention call, after checking the inputs and options (before any kernel runs). */
function validateAttention(op: string, query: Tensor, key: Tensor, value: Tensor, options: ScaledDotProductAttentionOptions): AttentionShapes {
  const shapes = checkAttentionShapes(op, query, key, value);
  const p = options.dropout ?? 0;
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(op, `dropout must be in [0, 1], got ${p}`);
  if (options.causal && options.mask) throw new ArgumentError(op, 'an explicit mask cannot be combined with causal: true (build the causal mask into it instead)');
  if (options.scale !== undefined && !Number.isFinite(options.scale)) throw new ArgumentError(op, `scale must be a finite number, got ${options.scale}`);
  const scoreShape = [...shapes.batch, shapes.L, shapes.S];
  if (options.mask && !broadcastsTo(options.mask.shape, scoreShape)) {
    throw new ShapeError(op, `mask of shape ${fmtShape(options.mask.shape)} does not broadcast to the scores ${fmtShape(scoreShape)}`);
  }
  return shapes;
}

interface AttentionShapes {
  batch: number[];
  L: number;
  S: number;
  E: number;
  Ev: number;
}

function checkAttentionShapes(op: string, q: Tensor, k: Tensor, v: Tensor): AttentionShapes {
  for (const [name, t] of [
    ['query', q],
    ['key', k],
    ['value', v],
  ] as const) {
    t.assertAlive(op);
    if (t.rank < 2) throw new ShapeError(op, `${name} needs at least 2 axes [..., length, features], got ${fmtShape(t.shape)}`);
    if (!isFloatDType(t.dtype)) throw new DTypeError(op, `${name} must be floating point, got ${t.dtype}`);
  }
  const expected = `query [..., L, E], key [..., S, E], value [..., S, Ev]`;
  const got = `got query ${fmtShape(q.shape)}, key ${fmtShape(k.shape)}, value ${fmtShape(v.shape)}`;
  const E = q.shape[q.rank - 1]!;
  const L = q.shape[q.rank - 2]!;
  const S = k.shape[k.rank - 2]!;
  if (k.shape[k.rank - 1] !== E || v.shape[v.rank - 2] !== S) throw new ShapeError(op, `expected ${expected}, ${got}`);
  let batch: number[];
  try {
    batch = broadcastShapes(op, broadcastShapes(op, q.shape.slice(0, -2), k.shape.slice(0, -2)), v.shape.slice(0, -2));
  } catch {
    throw new ShapeError(op, `the batch axes of query, key and value do not broadcast: ${got}`);
  }
  return { batch, L, S, E, Ev: v.shape[v.rank - 1]! };
}

/** Whether `shape` broadcasts to exactly `target` (NumPy's rule, aligned at the last axis). */
export function broadcastsTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const lead = target.length - shape.length;
  return shape.every((d, i) => d === 1 || d === target[lead + i]);
}

/**
 * x [..., r, c] as [B, r, c] over the broadcast batch: a batch of one stays
 * [1, r, c] (the matmul kernel broadcasts it); another batch that differs is
 * expanded.
 */
function batched(x: Tensor, batch: readonly number[], r: number, c: number): Tensor {
  const own = x.shape.slice(0, -2);
  if (sizeOf(own) === 1) return reshape(x, [1, r, c]);
  const full = shapesEqual(own, batch) ? x : expand(x, [...batch, r, c]);
  return reshape(full, [sizeOf(batch), r, c]);
}
