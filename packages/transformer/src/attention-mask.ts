import {
  ArgumentError,
  DTypeError,
  cast,
  getBackend,
  isFloatDType,
  tensor,
  where,
  type DType,
  type Tensor,
} from '@webgrad/core-tensor';

/** Where a mask should live: its backend and floating dtype. */
export interface MaskOptions {
  /** Backend of the mask (default: the active backend). */
  backend?: string;
  /** Dtype of the mask (default float32). */
  dtype?: 'float32' | 'float64';
}

/**
 * The additive causal mask of PyTorch's `Transformer.generate_square_subsequent_mask`:
 * an [sz, sz] float tensor with −∞ above the diagonal (position i may not see
 * j > i) and 0 elsewhere. Added to the attention scores, it sends the weights
 * of future positions to exactly 0 after the softmax.
 *
 * @example
 * ```ts
 * generateSquareSubsequentMask(3);
 * // [[0, -inf, -inf],
 * //  [0,    0, -inf],
 * //  [0,    0,    0]]
 * ```
 */
export function generateSquareSubsequentMask(sz: number, options: MaskOptions = {}): Tensor {
  return causalMask(sz, sz, { ...options, additive: true });
}

/** Options of `causalMask`. */
export interface CausalMaskOptions extends MaskOptions {
  /**
   * Query i sits at absolute position `offset + i` and sees keys j ≤ offset + i
   * (default 0: the top-left aligned mask of PyTorch's `is_causal`). With a KV
   * cache of P past tokens and L new queries, offset = P.
   */
  offset?: number;
  /** Return the additive float mask (0 / −∞) instead of a bool mask (true = attend). Default false. */
  additive?: boolean;
}

/**
 * The causal mask for L queries over S keys. As a bool mask (the default),
 * entry (i, j) is true where query i may attend key j, i.e. j ≤ offset + i,
 * the convention of `scaledDotProductAttention`; with `additive` it is the
 * float mask 0 there and −∞ elsewhere, the convention of `MultiheadAttention`.
 *
 * @example
 * ```ts
 * causalMask(1, 4, { offset: 3 }); // [[true, true, true, true]]: a new token sees the whole cache
 * ```
 */
export function causalMask(queries: number, keys: number, options: CausalMaskOptions = {}): Tensor {
  for (const [name, v] of [
    ['queries', queries],
    ['keys', keys],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ArgumentError('causalMask', `${name} must be a non-negative integer, got ${v}`);
  }
  const offset = options.offset ?? 0;
  if (!Number.isInteger(offset)) throw new ArgumentError('causalMask', `offset must be an integer, got ${offset}`);
  const backend = options.backend ?? getBackend().name;
  const additive = options.additive ?? false;
  const values = additive ? new Float64Array(queries * keys) : new Uint8Array(queries * keys);
  for (let i = 0; i < queries; i++) {
    for (let j = 0; j < keys; j++) {
      const visible = j <= offset + i;
      values[i * keys + j] = additive ? (visible ? 0 : -Infinity) : visible ? 1 : 0;
    }
  }
  const dtype: DType = additive ? (options.dtype ?? 'float32') : 'bool';
  return tensor(values, { shape: [queries, keys], dtype, backend });
}

/**
 * A mask in the additive form the scores take: a bool mask becomes 0 where
 * `attendWhere` and −∞ elsewhere; a float mask is returned as it is (cast to
 * `dtype`). `attendWhere` says which bool value means "attend": `true` for
 * `scaledDotProductAttention` (PyTorch 2's convention), `false` for
 * `MultiheadAttention`'s `attnMask` and `keyPaddingMask` (true = masked out).
 */
export function additiveMask(op: string, name: string, mask: Tensor, dtype: DType, attendWhere: boolean): Tensor {
  mask.assertAlive(op);
  if (mask.dtype === 'bool') return attendWhere ? where(mask, 0, -Infinity).cast(dtype) : where(mask, -Infinity, 0).cast(dtype);
  if (!isFloatDType(mask.dtype)) throw new DTypeError(op, `${name} must be bool or floating point, got ${mask.dtype}`);
  return mask.dtype === dtype ? mask : cast(mask, dtype);
}
