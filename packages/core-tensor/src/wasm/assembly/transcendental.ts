// Transcendental float32 elementwise ops and softmax rows, computed in double
// precision two elements per f64x2 vector with the e^x/tanh of f64-math.ts,
// in the same formulas as the TypeScript kernels (elementwise-table.ts,
// kernels/softmax.ts), and rounded once to float32. Those kernels call
// Math.exp/Math.tanh, which differ from these in the last bits of a double,
// so a result can differ from the reference only where the exact value lies
// within a few double ulps of a float32 rounding boundary (about one element
// in 10⁷, by one float32 ulp).

import { erf2v, expZero2v as expv, load2, log2v, sigmoid2v, store2, tanh2v } from './f64-math';

/** Op codes of `unaryMathF32`, in the order of UNARY_MATH_F32_OPS in wasm-elementwise.ts. */
const EXP = 0;
const TANH = 1;
const SIGMOID = 2;
const LOG = 3;
const ERF = 4;
const GELU = 5;

/** 0.5·x·(1 + erf(x·√½)) (a = 0) or 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (a ≠ 0), in the table's order of operations. */
function gelu2v(x: v128, tanhForm: bool): v128 {
  const half = f64x2.mul(f64x2.splat(0.5), x);
  let inner: v128;
  if (tanhForm) {
    const cube = f64x2.mul(f64x2.mul(f64x2.mul(f64x2.splat(0.044715), x), x), x);
    inner = tanh2v(f64x2.mul(f64x2.splat(0.7978845608028654), f64x2.add(x, cube)));
  } else {
    inner = erf2v(f64x2.mul(x, f64x2.splat(0.7071067811865476)));
  }
  return f64x2.mul(half, f64x2.add(f64x2.splat(1), inner));
}

function mathVec(op: i32, x: v128, a: f64): v128 {
  if (op === EXP) return expv(x);
  if (op === TANH) return tanh2v(x);
  if (op === SIGMOID) return sigmoid2v(x);
  if (op === LOG) return log2v(x);
  if (op === ERF) return erf2v(x);
  if (op === GELU) return gelu2v(x, a != 0);
  return x;
}

/**
 * out[i] = op(x[i]) for i < n in double precision: exp, tanh, 1 / (1 + e^(−x)),
 * ln, erf, or gelu (`a` is the table's attribute: 0 the erf form, 1 the tanh form).
 */
export function unaryMathF32(op: i32, x: usize, out: usize, n: i32, a: f64): void {
  const n2 = n & ~1;
  for (let i = 0; i < n2; i += 2) {
    const o = <usize>i << 2;
    store2(out + o, mathVec(op, load2(x + o), a));
  }
  if (n2 < n) {
    const o = <usize>n2 << 2;
    const v = mathVec(op, f64x2.promote_low_f32x4(v128.load32_zero(x + o)), a);
    store<f32>(out + o, <f32>f64x2.extract_lane(v, 0));
  }
}

/**
 * softmax (or log-softmax) of `rows` contiguous rows of n floats, as the
 * TypeScript kernel computes it: m = the row's maximum (NaN if any is NaN;
 * −∞ becomes 0), s = Σ e^(x−m) added in order, then e^(x−m)/s, or
 * x − (ln s + m).
 */
export function softmaxRowsF32(x: usize, out: usize, rows: i32, n: i32, logOutput: bool): void {
  const n2 = n & ~1;
  const rowBytes = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const orow = out + <usize>r * rowBytes;
    let m: f64 = -Infinity;
    for (let k = 0; k < n; k++) {
      const v = <f64>load<f32>(xr + (<usize>k << 2));
      if (v > m || v != v) m = v;
    }
    if (m == -Infinity) m = 0;
    const mv = f64x2.splat(m);
    let s: f64 = 0;
    for (let k = 0; k < n2; k += 2) {
      const e = expv(f64x2.sub(load2(xr + (<usize>k << 2)), mv));
      s += f64x2.extract_lane(e, 0);
      s += f64x2.extract_lane(e, 1);
    }
    if (n2 < n) s += f64x2.extract_lane(expv(f64x2.sub(f64x2.splat(<f64>load<f32>(xr + (<usize>n2 << 2))), mv)), 0);
    if (logOutput) {
      const ls = f64x2.splat(Math.log(s) + m);
      for (let k = 0; k < n2; k += 2) store2(orow + (<usize>k << 2), f64x2.sub(load2(xr + (<usize>k << 2)), ls));
      if (n2 < n) store<f32>(orow + (<usize>n2 << 2), <f32>(<f64>load<f32>(xr + (<usize>n2 << 2)) - f64x2.extract_lane(ls, 0)));
    } else {
      const inv = f64x2.splat(1 / s);
      for (let k = 0; k < n2; k += 2) store2(orow + (<usize>k << 2), f64x2.mul(expv(f64x2.sub(load2(xr + (<usize>k << 2)), mv)), inv));
      if (n2 < n) {
        const e = expv(f64x2.sub(f64x2.splat(<f64>load<f32>(xr + (<usize>n2 << 2))), mv));
        store<f32>(orow + (<usize>n2 << 2), <f32>f64x2.extract_lane(f64x2.mul(e, inv), 0));
      }
    }
  }
}
