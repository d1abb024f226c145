// The fused layer norm of @webgrad/regularize (its TypeScript kernel is the
// reference) on float32 rows of n, in double precision with the reference's
// operations in the reference's order: the row sums are added element by
// element in order (two-lane vectors, lanes added one after the other), so
// the results are the same bits.

import { load2 } from './f64-math';

/** Σ x[j] over the row, added in order. */
function rowSum(x: usize, n: i32): f64 {
  let s: f64 = 0;
  for (let j = 0; j < n; j++) s += <f64>load<f32>(x + (<usize>j << 2));
  return s;
}

/** Σ (x[j] − mean)² over the row, added in order. */
function rowSquares(x: usize, n: i32, mean: f64): f64 {
  let q: f64 = 0;
  for (let j = 0; j < n; j++) {
    const d = <f64>load<f32>(x + (<usize>j << 2)) - mean;
    q += d * d;
  }
  return q;
}

/** y = (x − μ)·r·γ + β per row, μ = Σx/n, r = 1/√(Σ(x − μ)²/n + ε). */
export function layerNormF32(x: usize, w: usize, b: usize, y: usize, rows: i32, n: i32, eps: f64): void {
  const n2 = n & ~1;
  const rowBytes = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const yr = y + <usize>r * rowBytes;
    const mean = rowSum(xr, n) / <f64>n;
    const rstd = 1 / Math.sqrt(rowSquares(xr, n, mean) / <f64>n + eps);
    const mv = f64x2.splat(mean);
    const rv = f64x2.splat(rstd);
    for (let j = 0; j < n2; j += 2) {
      const o = <usize>j << 2;
      const v = f64x2.add(f64x2.mul(f64x2.mul(f64x2.sub(load2(xr + o), mv), rv), load2(w + o)), load2(b + o));
      v128.store64_lane(yr + o, f32x4.demote_f64x2_zero(v), 0);
    }
    for (let j = n2; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(yr + o, <f32>((<f64>load<f32>(xr + o) - mean) * rstd * <f64>load<f32>(w + o) + <f64>load<f32>(b + o)));
    }
  }
}

/**
 * The gradient: with x̂ = (x − μ)·r and g = dy·γ, dx = r·(dy·γ − mean(g) − x̂·mean(g·x̂)),
 * dγ = Σ_rows dy·x̂, dβ = Σ_rows dy (accumulated in the 2n doubles at `acc`,
 * then rounded into dw and db).
 */
export function layerNormBackwardF32(dy: usize, x: usize, w: usize, dx: usize, dw: usize, db: usize, acc: usize, rows: i32, n: i32, eps: f64): void {
  const n2 = n & ~1;
  const rowBytes = <usize>n << 2;
  const accW = acc;
  const accB = acc + (<usize>n << 3);
  memory.fill(acc, 0, <usize>n << 4);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const dyr = dy + <usize>r * rowBytes;
    const dxr = dx + <usize>r * rowBytes;
    const mean = rowSum(xr, n) / <f64>n;
    const rstd = 1 / Math.sqrt(rowSquares(xr, n, mean) / <f64>n + eps);
    const mv = f64x2.splat(mean);
    const rv = f64x2.splat(rstd);
    let sg: f64 = 0;
    let sgx: f64 = 0;
    for (let j = 0; j < n2; j += 2) {
      const o = <usize>j << 2;
      const o8 = <usize>j << 3;
      const d = load2(dyr + o);
      const xh = f64x2.mul(f64x2.sub(load2(xr + o), mv), rv);
      const g = f64x2.mul(d, load2(w + o));
      const gx = f64x2.mul(g, xh);
      sg += f64x2.extract_lane(g, 0);
      sg += f64x2.extract_lane(g, 1);
      sgx += f64x2.extract_lane(gx, 0);
      sgx += f64x2.extract_lane(gx, 1);
      v128.store(accW + o8, f64x2.add(v128.load(accW + o8), f64x2.mul(d, xh)));
      v128.store(accB + o8, f64x2.add(v128.load(accB + o8), d));
    }
    for (let j = n2; j < n; j++) {
      const o = <usize>j << 2;
      const o8 = <usize>j << 3;
      const d = <f64>load<f32>(dyr + o);
      const xh = (<f64>load<f32>(xr + o) - mean) * rstd;
      const g = d * <f64>load<f32>(w + o);
      sg += g;
      sgx += g * xh;
      store<f64>(accW + o8, load<f64>(accW + o8) + d * xh);
      store<f64>(accB + o8, load<f64>(accB + o8) + d);
    }
    const mg = f64x2.splat(sg / <f64>n);
    const mgx = f64x2.splat(sgx / <f64>n);
    for (let j = 0; j < n2; j += 2) {
      const o = <usize>j << 2;
      const xh = f64x2.mul(f64x2.sub(load2(xr + o), mv), rv);
      const v = f64x2.mul(rv, f64x2.sub(f64x2.sub(f64x2.mul(load2(dyr + o), load2(w + o)), mg), f64x2.mul(xh, mgx)));
      v128.store64_lane(dxr + o, f32x4.demote_f64x2_zero(v), 0);
    }
    for (let j = n2; j < n; j++) {
      const o = <usize>j << 2;
      const xh = (<f64>load<f32>(xr + o) - mean) * rstd;
      const v = rstd * (<f64>load<f32>(dyr + o) * <f64>load<f32>(w + o) - f64x2.extract_lane(mg, 0) - xh * f64x2.extract_lane(mgx, 0));
      store<f32>(dxr + o, <f32>v);
    }
  }
  for (let j = 0; j < n; j++) {
    store<f32>(dw + (<usize>j << 2), <f32>load<f64>(accW + (<usize>j << 3)));
    store<f32>(db + (<usize>j << 2), <f32>load<f64>(accB + (<usize>j << 3)));
  }
}
