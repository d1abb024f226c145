import {
  ArgumentError,
  ShapeError,
  concat,
  fmtShape,
  fromTypedArray,
  type Tensor,
} from '@webgrad/core-tensor';
import { Module } from '@webgrad/nn';

/** Options of `timestepEmbedding`. */
export interface TimestepEmbeddingOptions {
  /** The longest period 1/ω_min of the sinusoids (default 10000). */
  maxPeriod?: number;
  /** dtype of the embedding (default float32). */
  dtype?: 'float32' | 'float64';
}

/**
 * The sinusoidal embedding of a timestep (Vaswani et al.'s positional
 * encoding, as DDPM uses it): for d = 2h, ωᵢ = maxPeriod^(−i/(h−1)),
 * i = 0…h−1, and emb(t) = [sin(ω₀t), …, sin(ω_{h−1}t), cos(ω₀t), …,
 * cos(ω_{h−1}t)] (a zero column is appended when d is odd). Nearby steps get
 * nearby vectors and every step a distinct one, so an MLP can read t.
 *
 * @param t - timesteps, [B] (any dtype; cast to the embedding's dtype).
 * @param dim - d, the embedding width (≥ 2).
 * @returns [B, dim].
 *
 * @example
 * ```ts
 * import { timestepEmbedding } from '@webgrad/generative-diffusion';
 * import { tensor } from '@webgrad/core-tensor';
 * timestepEmbedding(tensor([0, 5, 99], { dtype: 'int32' }), 16); // [3, 16]
 * ```
 */
export function timestepEmbedding(
  t: Tensor,
  dim: number,
  options: TimestepEmbeddingOptions = {},
): Tensor {
  if (!Number.isInteger(dim) || dim < 2)
    throw new ArgumentError('timestepEmbedding', `dim must be an integer >= 2, got ${dim}`);
  if (t.rank !== 1)
    throw new ShapeError('timestepEmbedding', `expected timesteps [B], got ${fmtShape(t.shape)}`);
  const maxPeriod = options.maxPeriod ?? 10000;
  if (!(maxPeriod > 1))
    throw new ArgumentError('timestepEmbedding', `maxPeriod must be > 1, got ${maxPeriod}`);
  const dtype = options.dtype ?? 'float32';
  const half = Math.floor(dim / 2);
  const freqs = new Float64Array(half);
  for (let i = 0; i < half; i++)
    freqs[i] = Math.exp((-Math.log(maxPeriod) * i) / Math.max(half - 1, 1));
  const backend = t.backend.name;
  const omega = fromTypedArray(dtype === 'float64' ? freqs : Float32Array.from(freqs), [1, half], {
    backend,
    dtype,
  });
  const angles = t.cast(dtype).reshape([t.shape[0]!, 1]).mul(omega);
  const parts = [angles.sin(), angles.cos()];
  if (dim % 2 === 1) parts.push(angles.narrow(1, 0, 1).mul(0));
  return concat(parts, 1);
}

/**
 * `timestepEmbedding` as a module (no parameters), so it can sit at the
 * head of a time-embedding MLP.
 */
export class SinusoidalTimeEmbedding extends Module<[Tensor], Tensor> {
  /** Creates the embedding of width `dim`. */
  constructor(
    readonly dim: number,
    readonly options: TimestepEmbeddingOptions = {},
  ) {
    super();
    if (!Number.isInteger(dim) || dim < 2)
      throw new ArgumentError('SinusoidalTimeEmbedding', `dim must be an integer >= 2, got ${dim}`);
  }

  /** Embeds timesteps [B] as [B, dim]. */
  forward(t: Tensor): Tensor {
    return timestepEmbedding(t, this.dim, this.options);
  }

  /** `dim=…` */
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
