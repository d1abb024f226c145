import { ArgumentError, rand, randn, type Generator, type Tensor } from '@webgrad/core-tensor';

/** How `corruptInput` damages an input. */
export type CorruptionKind = 'gaussian' | 'masking' | 'saltAndPepper';

/** Options of `corruptInput`. */
export interface CorruptionOptions {
  /**
   * `'gaussian'`: x + level·ε, ε ~ N(0, I); `'masking'`: each value set to 0
   * with probability `level`; `'saltAndPepper'`: each value set to 0 or 1
   * (equally likely) with probability `level` (default `'masking'`).
   */
  kind?: CorruptionKind;
  /** The noise standard deviation (gaussian) or the fraction of values destroyed (default 0.25). */
  level?: number;
  /** The Philox stream the noise comes from (default: core-tensor's default generator). */
  generator?: Generator;
}

/**
 * The corruption x̃ ~ C(x̃ | x) of a denoising autoencoder (Vincent et al.,
 * 2008): the model sees x̃ and is trained to reconstruct the clean x, so it
 * cannot learn the identity and must capture the structure of the data.
 *
 * @example
 * ```ts
 * const noisy = corruptInput(x, { kind: 'gaussian', level: 0.3, generator: new Generator(0) });
 * ```
 */
export function corruptInput(x: Tensor, options: CorruptionOptions = {}): Tensor {
  const kind = options.kind ?? 'masking';
  const level = options.level ?? 0.25;
  const draw = {
    dtype: x.dtype,
    backend: x.backend.name,
    ...(options.generator ? { generator: options.generator } : {}),
  };
  if (kind === 'gaussian') {
    if (!(level >= 0))
      throw new ArgumentError(
        'corruptInput',
        `gaussian level (the noise std) must be >= 0, got ${level}`,
      );
    return x.add(randn(x.shape, draw).mul(level));
  }
  if (kind !== 'masking' && kind !== 'saltAndPepper')
    throw new ArgumentError(
      'corruptInput',
      `kind must be 'gaussian', 'masking' or 'saltAndPepper', got '${String(kind)}'`,
    );
  if (!(level >= 0 && level <= 1))
    throw new ArgumentError(
      'corruptInput',
      `${kind} level (a fraction) must be in [0, 1], got ${level}`,
    );
  const destroyed = rand(x.shape, draw).lt(level);
  if (kind === 'masking') return x.where(destroyed.logicalNot(), 0);
  // salt or pepper, each with probability ½, for the destroyed values
  const salt = rand(x.shape, draw).lt(0.5).cast(x.dtype);
  return salt.where(destroyed, x);
}
