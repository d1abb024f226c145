import {
  ShapeError,
  fmtShape,
  randn,
  shapesEqual,
  type Generator,
  type Tensor,
} from '@webgrad/core-tensor';

/** Options of `reparameterize`. */
export interface ReparameterizeOptions {
  /** The Philox stream ε is drawn from (default: core-tensor's default generator). */
  generator?: Generator;
  /** A given ε (same shape as μ) instead of a fresh draw: for tests and for reusing noise. */
  eps?: Tensor;
}

/**
 * The reparameterisation trick: a sample z ~ N(μ, diag σ²) written as a
 * differentiable function of μ and log σ²,
 *
 *   z = μ + σ ⊙ ε,   σ = exp(½ log σ²),   ε ~ N(0, I),
 *
 * so the gradient of E_q[f(z)] with respect to the encoder's outputs flows
 * through z (∂z/∂μ = 1, ∂z/∂log σ² = ½σε) while the randomness sits in ε,
 * which drawn from core-tensor's Philox stream is the same on every backend
 * for the same seed.
 *
 * @example
 * ```ts
 * const { mu, logvar } = vae.encode(x);
 * const z = reparameterize(mu, logvar, { generator: new Generator(1) });
 * ```
 */
export function reparameterize(
  mu: Tensor,
  logvar: Tensor,
  options: ReparameterizeOptions = {},
): Tensor {
  if (!shapesEqual(mu.shape, logvar.shape))
    throw new ShapeError(
      'reparameterize',
      `expected mu and logvar of one shape, got mu ${fmtShape(mu.shape)} and logvar ${fmtShape(logvar.shape)}`,
    );
  if (options.eps !== undefined && !shapesEqual(options.eps.shape, mu.shape))
    throw new ShapeError(
      'reparameterize',
      `expected eps of mu's shape ${fmtShape(mu.shape)}, got ${fmtShape(options.eps.shape)}`,
    );
  const eps =
    options.eps ??
    randn(mu.shape, {
      dtype: mu.dtype,
      backend: mu.backend.name,
      ...(options.generator ? { generator: options.generator } : {}),
    });
  return mu.add(logvar.mul(0.5).exp().mul(eps));
}
