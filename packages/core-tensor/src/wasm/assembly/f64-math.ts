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

/**
 * ln x for two doubles, for x in the float32 range (never a double
 * subnormal): x = m·2^e with m in [√½, √2), ln m = 2·atanh(s) with
 * s = (m − 1)/(m + 1), |s| ≤ 0.172, by its odd series to s²⁵ (the first
 * omitted term is below 10⁻¹⁷·s), plus e·ln 2 in two parts. ln 0 = −∞,
 * ln x = NaN for x < 0 and NaN, ln ∞ = ∞, as Math.log.
 */
export function log2v(x: v128): v128 {
  const bits = x;
  // exponent e and mantissa m ∈ [1, 2), then m ∈ [√½, √2) by moving one factor 2 into e
  let e = i64x2.sub(i64x2.shr_u(bits, 52), i64x2.splat(1023));
  let m = v128.or(v128.and(bits, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000));
  const big = f64x2.gt(m, f64x2.splat(1.4142135623730951));
  m = v128.bitselect(f64x2.mul(m, f64x2.splat(0.5)), m, big);
  e = i64x2.sub(e, big); // big lanes are all ones (−1): e + 1
  const ef = f64x2.convert_low_i32x4_s(i32x4.shuffle(e, e, 0, 2, 0, 2));
  const s = f64x2.div(f64x2.sub(m, f64x2.splat(1)), f64x2.add(m, f64x2.splat(1)));
  const s2 = f64x2.mul(s, s);
  let p = f64x2.splat(1.0 / 25.0);
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 23.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 21.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 19.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 17.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 15.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 13.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 11.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 9.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 7.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 5.0));
  p = f64x2.add(f64x2.mul(p, s2), f64x2.splat(1.0 / 3.0));
  // ln m = 2s + 2s·s²·p: the small correction added last keeps the rounding error at the last bit of 2s
  const twoS = f64x2.add(s, s);
  const lnm = f64x2.add(twoS, f64x2.mul(f64x2.mul(twoS, s2), p));
  const r = f64x2.add(f64x2.add(f64x2.mul(ef, f64x2.splat(LN2_LO)), lnm), f64x2.mul(ef, f64x2.splat(LN2_HI)));
  // the special values by their bits: 0 → −∞, negative or NaN → NaN, +∞ → +∞
  const zero = f64x2.eq(x, f64x2.splat(0));
  const bad = v128.not(f64x2.ge(x, f64x2.splat(0)));
  const inf = f64x2.eq(x, f64x2.splat(Infinity));
  let out = v128.bitselect(f64x2.splat(-Infinity), r, zero);
  out = v128.bitselect(f64x2.splat(NaN), out, bad);
  return v128.bitselect(x, out, inf);
}

/**
 * The error function as the reference computes it (`scalarMath.erf`,
 * Numerical Recipes' Chebyshev fit of erfc, fractional error < 1.2·10⁻⁷),
 * operation for operation in double precision with this file's e^x.
 */
export function erf2v(x: v128): v128 {
  const z = f64x2.abs(x);
  const t = f64x2.div(f64x2.splat(1), f64x2.add(f64x2.splat(1), f64x2.mul(f64x2.splat(0.5), z)));
  let q = f64x2.splat(0.17087277);
  q = f64x2.add(f64x2.splat(-0.82215223), f64x2.mul(t, q));
  q = f64x2.add(f64x2.splat(1.48851587), f64x2.mul(t, q));
  q = f64x2.add(f64x2.splat(-1.13520398), f64x2.mul(t, q));
  q = f64x2.add(f64x2.splat(0.27886807), f64x2.mul(t, q));
  q = f64x2.add(f64x2.splat(-0.18628806), f64x2.mul(t, q));
  q = f64x2.add(f64x2.splat(0.09678418), f64x2.mul(t, q));
  q = f64x2.add(f64x2.splat(0.37409196), f64x2.mul(t, q));
  q = f64x2.add(f64x2.splat(1.00002368), f64x2.mul(t, q));
  const arg = f64x2.add(f64x2.sub(f64x2.mul(f64x2.neg(z), z), f64x2.splat(1.26551223)), f64x2.mul(t, q));
  const r = f64x2.mul(t, expZero2v(arg));
  // x >= 0 ? 1 − r : r − 1 (NaN takes the second branch, as in the reference)
  return v128.bitselect(f64x2.sub(f64x2.splat(1), r), f64x2.sub(r, f64x2.splat(1)), f64x2.ge(x, f64x2.splat(0)));
}

/** e^x that is exactly 0 below the double range (exp2v clamps its argument there), as Math.exp. */
export function expZero2v(x: v128): v128 {
  return v128.bitselect(f64x2.splat(0), exp2v(x), f64x2.lt(x, f64x2.splat(-745.2)));
}

/** σ(x) = 1/(1 + e^(−x)), as the reference writes it. */
export function sigmoid2v(x: v128): v128 {
  return f64x2.div(f64x2.splat(1), f64x2.add(f64x2.splat(1), exp2v(f64x2.neg(x))));
}

/**
 * tanh x = (e^(2x) − 1)/(e^(2x) + 1) for 1/8 ≤ |x| < 1; for |x| ≥ 1,
 * ±(1 − 2/(e^(2|x|) + 1)) as fdlibm (and so Math.tanh) writes it, so that
 * near ±1 the result is 1 − q rounded once from an accurate q and agrees with
 * Math.tanh to the bit (1 + tanh x, as in gelu's tanh form, is then exact
 * where it cancels); and its odd series to x¹⁵ where |x| < 1/8 (no
 * cancellation; the first omitted term is below 10⁻¹⁷ of x); tanh(±0) = ±0.
 */
export function tanh2v(x: v128): v128 {
  // one e^(2|x|) serves both forms; tanh is odd, so the sign of x is put back last
  const ax = f64x2.abs(x);
  const t = exp2v(f64x2.add(ax, ax));
  const tp1 = f64x2.add(t, f64x2.splat(1));
  const mid = f64x2.div(f64x2.sub(t, f64x2.splat(1)), tp1);
  const far = f64x2.sub(f64x2.splat(1), f64x2.div(f64x2.splat(2), tp1));
  const big = v128.or(v128.bitselect(far, mid, f64x2.ge(ax, f64x2.splat(1))), v128.and(x, f64x2.splat(-0.0)));
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

