import {
  ArgumentError,
  rand,
  sizeOf,
  tensor,
  type Generator,
  type Tensor,
} from '@webgrad/core-tensor';

/** A quantile function F⁻¹: (0, 1) → ℝ, the inverse of a cumulative distribution function F. */
export type Quantile = (u: number) => number;

/** Options of `inverseCdfSample`. */
export interface InverseCdfSampleOptions {
  /** The Philox stream U is drawn from (default: core-tensor's default generator). */
  generator?: Generator;
  /** dtype of the result (default `'float32'`; `'float64'` on the CPU). */
  dtype?: 'float32' | 'float64';
  /** Backend of the result (default: the active backend). */
  backend?: string;
}

/**
 * Sampling by inversion of the CDF. If X has a continuous CDF F_X then
 * Y = F_X(X) is uniform on (0, 1): P(Y ≤ y) = P(X ≤ F⁻¹(y)) = F(F⁻¹(y)) = y.
 * Read backwards: for U uniform on (0, 1), X = F⁻¹(U) has the CDF F
 * (with the generalised inverse F⁻¹(u) = inf{x : F(x) ≥ u} this holds for
 * discrete and mixed distributions too). So a quantile function turns the
 * Philox uniforms into samples of any distribution.
 *
 * U is drawn from core-tensor's Philox stream (24-bit uniforms, shifted by
 * half a step into the open interval: U = (k + ½)/2²⁴) and F⁻¹ is applied on
 * the host.
 *
 * @example
 * ```ts
 * // Exponential(λ = 2): F(x) = 1 − e^{−λx}, F⁻¹(u) = −log(1 − u)/λ
 * const x = inverseCdfSample(exponentialQuantile(2), [10000], { generator: new Generator(0) });
 * x.mean().item(); // ≈ 1/λ = 0.5
 * ```
 */
export function inverseCdfSample(
  quantile: Quantile,
  shape: readonly number[],
  options: InverseCdfSampleOptions = {},
): Tensor {
  const u = rand(shape, {
    backend: 'cpu',
    ...(options.generator ? { generator: options.generator } : {}),
  });
  const words = u.dataSync();
  u.dispose();
  const out = new (options.dtype === 'float64' ? Float64Array : Float32Array)(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = quantile(words[i]! + 2 ** -25);
  return tensor(out, {
    shape: shape.slice(),
    ...(options.dtype ? { dtype: options.dtype } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
  });
}

/**
 * The quantile function of the exponential distribution with rate λ:
 * F(x) = 1 − e^{−λx}, so F⁻¹(u) = −log(1 − u)/λ (mean 1/λ, variance 1/λ²).
 */
export function exponentialQuantile(rate: number): Quantile {
  if (!(rate > 0) || !Number.isFinite(rate))
    throw new ArgumentError('exponentialQuantile', `rate must be a positive number, got ${rate}`);
  return (u) => -Math.log1p(-u) / rate;
}

/**
 * The quantile function of a discrete distribution given as a table: value
 * `values[i]` with probability `probabilities[i]` (non-negative, normalised
 * here). F⁻¹(u) is the first value whose cumulative probability reaches u,
 * found by binary search.
 *
 * @example
 * ```ts
 * const die = discreteQuantile([1, 2, 3, 4, 5, 6], [1, 1, 1, 1, 1, 1]);
 * die(0.01); // 1
 * ```
 */
export function discreteQuantile(
  values: readonly number[],
  probabilities: readonly number[],
): Quantile {
  const op = 'discreteQuantile';
  if (values.length === 0 || values.length !== probabilities.length)
    throw new ArgumentError(
      op,
      `expected as many probabilities as values (at least one), got ${values.length} values and ${probabilities.length} probabilities`,
    );
  const cdf = cumulative(op, probabilities);
  return (u) => values[firstAtLeast(cdf, u)]!;
}

/**
 * The quantile function of a continuous distribution whose density is
 * tabulated at increasing points `xs` (non-negative `density` values,
 * normalised here) and linear in between: the CDF is integrated exactly (a
 * quadratic on each interval) and inverted by solving that quadratic.
 *
 * @example
 * ```ts
 * // the triangular density on [0, 2] with its peak at 1
 * const tri = tabulatedQuantile([0, 1, 2], [0, 1, 0]);
 * tri(0.5); // 1
 * ```
 */
export function tabulatedQuantile(xs: readonly number[], density: readonly number[]): Quantile {
  const op = 'tabulatedQuantile';
  if (xs.length < 2 || xs.length !== density.length)
    throw new ArgumentError(
      op,
      `expected at least two points and one density value per point, got ${xs.length} points and ${density.length} values`,
    );
  for (let i = 1; i < xs.length; i++)
    if (!(xs[i]! > xs[i - 1]!))
      throw new ArgumentError(op, `points must increase, got ${xs[i - 1]} then ${xs[i]}`);
  if (density.some((d) => !(d >= 0) || !Number.isFinite(d)))
    throw new ArgumentError(op, 'density values must be finite and >= 0');
  // mass of each interval under the linear density (trapezoid rule, exact)
  const masses = xs.slice(1).map((x, i) => ((x - xs[i]!) * (density[i]! + density[i + 1]!)) / 2);
  const cdf = cumulative(op, masses);
  const total = masses.reduce((a, b) => a + b, 0);
  return (u) => {
    const i = firstAtLeast(cdf, u);
    const below = i === 0 ? 0 : cdf[i - 1]!;
    const x0 = xs[i]!;
    const h = xs[i + 1]! - x0;
    const f0 = density[i]! / total;
    const slope = (density[i + 1]! / total - f0) / h;
    // solve f0·t + ½·slope·t² = u − below for t ∈ [0, h]
    const m = u - below;
    const t =
      Math.abs(slope) < 1e-12
        ? m / f0
        : (-f0 + Math.sqrt(Math.max(0, f0 * f0 + 2 * slope * m))) / slope;
    return x0 + Math.min(h, Math.max(0, t));
  };
}

/** The normalised running sum of non-negative weights (the last entry is exactly 1). */
function cumulative(op: string, weights: readonly number[]): Float64Array {
  if (weights.some((w) => !(w >= 0) || !Number.isFinite(w)))
    throw new ArgumentError(op, 'probabilities (weights) must be finite and >= 0');
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new ArgumentError(op, 'probabilities (weights) must not all be 0');
  const cdf = new Float64Array(weights.length);
  let acc = 0;
  weights.forEach((w, i) => {
    acc += w;
    cdf[i] = acc / total;
  });
  cdf[cdf.length - 1] = 1;
  return cdf;
}

/** The first index i with cdf[i] ≥ u (binary search), skipping zero-mass entries. */
function firstAtLeast(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! >= u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
