import { ArgumentError, ShapeError, concat, fmtShape, narrow, reshape, select, stack, tensor, type Tensor } from '@webgrad/core-tensor';

/** Options of `RotaryEmbedding`. */
export interface RotaryEmbeddingOptions {
  /** The frequency base b of θ_i = b^(−2i/dim) (default 10000, RoFormer's). */
  base?: number;
  /**
   * Which features form the rotated pairs: `true` (default) pairs (2i, 2i+1),
   * as RoFormer, GPT-J and Meta's LLaMA code; `false` pairs (i, i + dim/2),
   * as GPT-NeoX and Hugging Face's `rotate_half`.
   */
  interleaved?: boolean;
}

/**
 * Rotary position embedding, RoPE (Su et al. 2021): each pair of features
 * (x₁, x₂) of a query or key at position m is rotated by the angle m·θ_i,
 *   x₁' = x₁ cos mθ_i − x₂ sin mθ_i,   x₂' = x₁ sin mθ_i + x₂ cos mθ_i,
 * with θ_i = base^(−2i/dim). Rotations compose, so ⟨R_m q, R_n k⟩ depends
 * only on q, k and m − n: attention scores see relative positions while the
 * encoding is applied to each token alone (which is what a KV cache needs).
 * Applied to the first `dim` features of the last axis; the rest pass through
 * (partial rotary, as GPT-NeoX).
 *
 * @example
 * ```ts
 * const rope = new RotaryEmbedding(16);
 * const q = randn([2, 4, 10, 16]); // [batch, heads, T, headDim]
 * const qr = rope.rotate(q);       // positions 0…9; with a cache of P tokens: rope.rotate(q, P)
 * ```
 */
export class RotaryEmbedding {
  /** Rotation frequency base. */
  readonly base: number;
  /** Whether pairs are (2i, 2i+1) rather than (i, i + dim/2). */
  readonly interleaved: boolean;
  private readonly inverseFrequencies: Float64Array;

  /** Rotates `dim` (even) features of every vector. */
  constructor(
    readonly dim: number,
    options: RotaryEmbeddingOptions = {},
  ) {
    if (!Number.isInteger(dim) || dim < 2 || dim % 2 !== 0) throw new ArgumentError('RotaryEmbedding', `dim must be a positive even integer, got ${dim}`);
    this.base = options.base ?? 10000;
    if (!(this.base > 1)) throw new ArgumentError('RotaryEmbedding', `base must be greater than 1, got ${this.base}`);
    this.interleaved = options.interleaved ?? true;
    this.inverseFrequencies = Float64Array.from({ length: dim / 2 }, (_, i) => this.base ** (-(2 * i) / dim));
  }

  /** cos(m·θ_i) and sin(m·θ_i) for positions m = offset … offset+T−1, each [T, dim/2]. */
  angles(T: number, offset: number, like: Tensor): { cos: Tensor; sin: Tensor } {
    const half = this.dim / 2;
    const c = new Float64Array(T * half);
    const s = new Float64Array(T * half);
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < half; i++) {
        const a = (offset + t) * this.inverseFrequencies[i]!;
        c[t * half + i] = Math.cos(a);
        s[t * half + i] = Math.sin(a);
      }
    }
    const opts = { shape: [T, half], dtype: like.dtype, backend: like.backend.name } as const;
    return { cos: tensor(c, opts), sin: tensor(s, opts) };
  }

  /**
   * Rotates x [..., T, F ≥ dim]: the vector at index t of the second-to-last
   * axis sits at position offset + t.
   */
  rotate(x: Tensor, offset = 0): Tensor {
    const op = 'RotaryEmbedding.rotate';
    if (x.rank < 2 || x.shape[x.rank - 1]! < this.dim) {
      throw new ShapeError(op, `expected input [..., T, F] with F ≥ ${this.dim}, got ${fmtShape(x.shape)}`);
    }
    if (!Number.isInteger(offset) || offset < 0) throw new ArgumentError(op, `offset must be a non-negative integer, got ${offset}`);
    const F = x.shape[x.rank - 1]!;
    const T = x.shape[x.rank - 2]!;
    const half = this.dim / 2;
    const rotated = F === this.dim ? x : narrow(x, -1, 0, this.dim);
    const { cos, sin } = this.angles(T, offset, x);
    let x1: Tensor;
    let x2: Tensor;
    if (this.interleaved) {
      const pairs = reshape(rotated, [...rotated.shape.slice(0, -1), half, 2]);
      x1 = select(pairs, -1, 0);
      x2 = select(pairs, -1, 1);
    } else {
      x1 = narrow(rotated, -1, 0, half);
      x2 = narrow(rotated, -1, half, half);
    }
    const y1 = x1.mul(cos).sub(x2.mul(sin));
    const y2 = x1.mul(sin).add(x2.mul(cos));
    const y = this.interleaved ? reshape(stack([y1, y2], -1), rotated.shape) : concat([y1, y2], -1);
    return F === this.dim ? y : concat([y, narrow(x, -1, this.dim, F - this.dim)], -1);
  }
}
