// Double-precision e^x, σ and tanh on f64x2 vectors, and float32 <-> double
// pair moves, shared by the fused recurrent cells (lstm-cell.ts,
// gru-cell.ts). Each mirrors the TypeScript kernels' Math.exp/Math.tanh
// formulas to the last bits of a double, far below the single rounding to
// float32 at the end.

const LN2_HI: f64 = 6.93147180369123816490e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700;

/**
 * e^x for two doubles: x = k·ln2 + r (Cody–Waite, |r| ≤ ln2/2), e^r by its
 * Taylor series to r¹² (relative error < 4·10⁻¹⁶), times 2^k built in the
 * exponent bits. x is clamped to [−708, 709], which only changes results
 * that round to 0, 1 or ∞ in the sigmoid and tanh built on it.
 */
export function exp2v(x: v128): v128 {
  x = f64x2.max(f64x2.min(x, f64x2.splat(709)), f64x2.splat(-708));
  const k = f64x2.nearest(f64x2.mul(x, f64x2.splat(INV_LN2)));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI))), f64x2.mul(k, f64x2.splat(LN2_LO)));
  let p = f64x2.splat(1.0 / 479001600.0);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 39916800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  const k64 = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  const scale = i64x2.shl(i64x2.add(k64, i64x2.splat(1023)), 52);
  return f64x2.mul(p, scale);
}

/** σ(x) = 1/(1 + e^(−x)), as the reference writes it. */
export function sigmoid2v(x: v128): v128 {
  return f64x2.div(f64x2.splat(1), f64x2.add(f64x2.splat(1), exp2v(f64x2.neg(x))));
}

/**
 * tanh x = (e^(2x) − 1)/(e^(2x) + 1), and its odd series to x¹⁵ where
 * |x| < 1/8 (no cancellation; the first omitted term is below 10⁻¹⁷ of x);
 * tanh(±0) = ±0.
 */
export function tanh2v(x: v128): v128 {
  const t = exp2v(f64x2.add(x, x));
  const big = f64x2.div(f64x2.sub(t, f64x2.splat(1)), f64x2.add(t, f64x2.splat(1)));
  const x2 = f64x2.mul(x, x);
  let s = f64x2.splat(-929569.0 / 638512875.0);
  s = f64x2.add(f64x2.mul(s, x2), f64x2.splat(21844.0 / 6081075.0));
  s = f64x2.sub(f64x2.mul(s, x2), f64x2.splat(1382.0 / 155925.0));
  s = f64x2.add(f64x2.mul(s, x2), f64x2.splat(62.0 / 2835.0));
  s = f64x2.sub(f64x2.mul(s, x2), f64x2.splat(17.0 / 315.0));
  s = f64x2.add(f64x2.mul(s, x2), f64x2.splat(2.0 / 15.0));
  s = f64x2.sub(f64x2.mul(s, x2), f64x2.splat(1.0 / 3.0));
  // x + s·x³ would turn −0 into +0: zero returns itself, as Math.tanh does
  const small = v128.bitselect(x, f64x2.add(x, f64x2.mul(f64x2.mul(s, x2), x)), f64x2.eq(x, f64x2.splat(0)));
  return v128.bitselect(small, big, f64x2.lt(f64x2.abs(x), f64x2.splat(0.125)));
}

/** Two floats at p, widened to doubles. */
export function load2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Two doubles rounded to floats, stored at p. */
export function store2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

