/*
 * Dense symmetric positive-definite solves on the host, for Newton's method
 * on small problems (n up to a few hundred).
 */

/**
 * The lower-triangular Cholesky factor L of the n×n row-major matrix `a`
 * (A = LLᵀ), or null when A is not (numerically) positive definite.
 */
export function cholesky(a: ArrayLike<number>, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let diag = a[j * n + j];
    for (let k = 0; k < j; k++) diag -= l[j * n + k] * l[j * n + k];
    if (!(diag > 0) || !Number.isFinite(diag)) return null;
    const ljj = Math.sqrt(diag);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let v = a[i * n + j];
      for (let k = 0; k < j; k++) v -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = v / ljj;
    }
  }
  return l;
}

/** Solves LLᵀx = b for the Cholesky factor `l` of an n×n matrix. */
export function choleskySolve(l: Float64Array, b: ArrayLike<number>, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = b[i];
    for (let k = 0; k < i; k++) v -= l[i * n + k] * y[k];
    y[i] = v / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let v = y[i];
    for (let k = i + 1; k < n; k++) v -= l[k * n + i] * x[k];
    x[i] = v / l[i * n + i];
  }
  return x;
}
