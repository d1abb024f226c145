/**
 * Two-sample statistics for comparing generated points with data, on plain
 * arrays of points (row-major [N, D]).
 */

/**
 * The unbiased estimate of MMD² (Gretton et al. 2012) between samples X and Y
 * with the Gaussian kernel k(a, b) = exp(−‖a − b‖² / (2σ²)), summed over the
 * bandwidths given (a sum of characteristic kernels is characteristic):
 *
 *   MMD² = mean_{i≠j} k(xᵢ, xⱼ) + mean_{i≠j} k(yᵢ, yⱼ) − 2 mean_{i,j} k(xᵢ, yⱼ).
 *
 * It is 0 in expectation exactly when X and Y come from the same distribution.
 */
export function mmd2(
  x: Float32Array | Float64Array,
  y: Float32Array | Float64Array,
  dim: number,
  bandwidths: readonly number[],
): number {
  const n = x.length / dim;
  const m = y.length / dim;
  const kernel = (a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number => {
    let d2 = 0;
    for (let k = 0; k < dim; k++) {
      const d = a[i * dim + k]! - b[j * dim + k]!;
      d2 += d * d;
    }
    let s = 0;
    for (const h of bandwidths) s += Math.exp(-d2 / (2 * h * h));
    return s;
  };
  let xx = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) xx += kernel(x, i, x, j);
  let yy = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) yy += kernel(y, i, y, j);
  let xy = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) xy += kernel(x, i, y, j);
  return xx / (n * (n - 1)) + yy / (m * (m - 1)) - (2 * xy) / (n * m);
}

/** Mean and covariance of [N, 2] points, and N points drawn from the Gaussian with those moments (Box–Muller on a seeded LCG). */
export function gaussianWithSameMoments(
  points: Float32Array,
  n: number,
  seed: number,
): Float64Array {
  const count = points.length / 2;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < count; i++) {
    mx += points[2 * i]!;
    my += points[2 * i + 1]!;
  }
  mx /= count;
  my /= count;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < count; i++) {
    const dx = points[2 * i]! - mx;
    const dy = points[2 * i + 1]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  [sxx, sxy, syy] = [sxx / count, sxy / count, syy / count];
  // Cholesky of [[sxx, sxy], [sxy, syy]]
  const l11 = Math.sqrt(sxx);
  const l21 = sxy / l11;
  const l22 = Math.sqrt(syy - l21 * l21);
  let state = seed >>> 0 || 1;
  const uniform = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const a = 2 * Math.PI * uniform();
    const e1 = r * Math.cos(a);
    const e2 = r * Math.sin(a);
    out[2 * i] = mx + l11 * e1;
    out[2 * i + 1] = my + l21 * e1 + l22 * e2;
  }
  return out;
}
