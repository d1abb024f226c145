/**
 * Scalar functions JavaScript lacks, used by the CPU kernels generated from the
 * elementwise table (`M.erf`, `M.roundEven`).
 */
export const scalarMath = {
  /**
   * The error function, with fractional error below 1.2e-7 everywhere
   * (Numerical Recipes' Chebyshev fit of erfc), so it is exact in float32.
   */
  erf(x: number): number {
    const z = Math.abs(x);
    const t = 1 / (1 + 0.5 * z);
    const r =
      t *
      Math.exp(
        -z * z -
          1.26551223 +
          t *
            (1.00002368 +
              t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
    return x >= 0 ? 1 - r : r - 1;
  },
  /** Rounds half to even, as PyTorch's `round` does. */
  roundEven(x: number): number {
    const r = Math.round(x);
    return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
};
