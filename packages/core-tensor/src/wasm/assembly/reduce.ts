// Sums over the middle axis of [outer, red, inner] float32 data with
// double-precision accumulators, adding the rows in order: the same
// arithmetic, in the same order, as the TypeScript kernel (which sums into a
// Float64Array), so the rounded results are the same bits. Two columns per
// f64x2 lane pair, four per step.

/** out[o][i] = Σ_r x[o][r][i] (accumulated in f64, rounded once to f32). */
export function sumMiddleF32(x: usize, out: usize, outer: i32, red: i32, inner: i32): void {
  const inner4 = inner & ~3;
  const rowBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>red * rowBytes;
    const ob = out + <usize>o * rowBytes;
    for (let i = 0; i < inner4; i += 4) {
      let p = base + (<usize>i << 2);
      let v = v128.load(p);
      let lo = f64x2.promote_low_f32x4(v);
      let hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3));
      for (let r = 1; r < red; r++) {
        p += rowBytes;
        v = v128.load(p);
        lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
        hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3)));
      }
      const packed = i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
      v128.store(ob + (<usize>i << 2), packed);
    }
    for (let i = inner4; i < inner; i++) {
      let p = base + (<usize>i << 2);
      let acc = <f64>load<f32>(p);
      for (let r = 1; r < red; r++) {
        p += rowBytes;
        acc += <f64>load<f32>(p);
      }
      store<f32>(ob + (<usize>i << 2), <f32>acc);
    }
  }
}

/**
 * out[r] = Σ_k x[r][k] over `rows` contiguous rows of n float32, as the
 * TypeScript kernel adds them: a double accumulator that starts at the row's
 * first element and adds the others in order, rounded once to float32, so
 * the same bits. One row's additions form a dependent chain, so four rows go
 * side by side (two f64x2 accumulators), their elements brought together by
 * 4×4 transposes.
 */
export function sumRowsF32(x: usize, out: usize, rows: i32, n: i32): void {
  const rowBytes = <usize>n << 2;
  const rows4 = rows & ~3;
  for (let r = 0; r < rows4; r += 4) {
    const p0 = x + <usize>r * rowBytes;
    const p1 = p0 + rowBytes;
    const p2 = p1 + rowBytes;
    const p3 = p2 + rowBytes;
    let a01 = f64x2.replace_lane(f64x2.splat(<f64>load<f32>(p0)), 1, <f64>load<f32>(p1));
    let a23 = f64x2.replace_lane(f64x2.splat(<f64>load<f32>(p2)), 1, <f64>load<f32>(p3));
    let k = 1;
    for (; k + 4 <= n; k += 4) {
      const o = <usize>k << 2;
      const v0 = v128.load(p0 + o);
      const v1 = v128.load(p1 + o);
      const v2 = v128.load(p2 + o);
      const v3 = v128.load(p3 + o);
      // lo01 = (r0[k], r1[k], r0[k+1], r1[k+1]), hi01 = the same for k+2, k+3; likewise rows 2 and 3
      const lo01 = i32x4.shuffle(v0, v1, 0, 4, 1, 5);
      const hi01 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
      const lo23 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
      const hi23 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
      a01 = f64x2.add(a01, f64x2.promote_low_f32x4(lo01));
      a23 = f64x2.add(a23, f64x2.promote_low_f32x4(lo23));
      a01 = f64x2.add(a01, f64x2.promote_low_f32x4(i32x4.shuffle(lo01, lo01, 2, 3, 2, 3)));
      a23 = f64x2.add(a23, f64x2.promote_low_f32x4(i32x4.shuffle(lo23, lo23, 2, 3, 2, 3)));
      a01 = f64x2.add(a01, f64x2.promote_low_f32x4(hi01));
      a23 = f64x2.add(a23, f64x2.promote_low_f32x4(hi23));
      a01 = f64x2.add(a01, f64x2.promote_low_f32x4(i32x4.shuffle(hi01, hi01, 2, 3, 2, 3)));
      a23 = f64x2.add(a23, f64x2.promote_low_f32x4(i32x4.shuffle(hi23, hi23, 2, 3, 2, 3)));
    }
    let s0 = f64x2.extract_lane(a01, 0);
    let s1 = f64x2.extract_lane(a01, 1);
    let s2 = f64x2.extract_lane(a23, 0);
    let s3 = f64x2.extract_lane(a23, 1);
    for (; k < n; k++) {
      const o = <usize>k << 2;
      s0 += <f64>load<f32>(p0 + o);
      s1 += <f64>load<f32>(p1 + o);
      s2 += <f64>load<f32>(p2 + o);
      s3 += <f64>load<f32>(p3 + o);
    }
    const ob = out + (<usize>r << 2);
    store<f32>(ob, <f32>s0);
    store<f32>(ob + 4, <f32>s1);
    store<f32>(ob + 8, <f32>s2);
    store<f32>(ob + 12, <f32>s3);
  }
  for (let r = rows4; r < rows; r++) {
    const p = x + <usize>r * rowBytes;
    let s = <f64>load<f32>(p);
    for (let k = 1; k < n; k++) s += <f64>load<f32>(p + (<usize>k << 2));
    store<f32>(out + (<usize>r << 2), <f32>s);
  }
}

/**
 * The largest (`largest`) or smallest element of the row of n float32 at p,
 * as the TypeScript kernel finds it scanning in order (`v > acc || v !== v`):
 * NaN if the row holds one, else the extreme value, and among zeros of both
 * signs the first. Four lanes keep running extremes (pmax/pmin keep the
 * earlier of equal values); where the extreme is zero the sign is settled by
 * the scalar scan.
 */
function rowExtreme(p: usize, n: i32, largest: bool): f32 {
  let acc = v128.load32_splat(p);
  let nan = i32x4.splat(0);
  const n4 = n & ~3;
  for (let k = 0; k < n4; k += 4) {
    const v = v128.load(p + (<usize>k << 2));
    nan = v128.or(nan, f32x4.ne(v, v));
    acc = largest ? f32x4.pmax(acc, v) : f32x4.pmin(acc, v);
  }
  let m = f32x4.extract_lane(acc, 0);
  const l1 = f32x4.extract_lane(acc, 1);
  const l2 = f32x4.extract_lane(acc, 2);
  const l3 = f32x4.extract_lane(acc, 3);
  if (largest ? l1 > m : l1 < m) m = l1;
  if (largest ? l2 > m : l2 < m) m = l2;
  if (largest ? l3 > m : l3 < m) m = l3;
  let hasNaN = v128.any_true(nan);
  for (let k = n4; k < n; k++) {
    const v = load<f32>(p + (<usize>k << 2));
    if (v != v) hasNaN = true;
    else if (largest ? v > m : v < m) m = v;
  }
  if (hasNaN) return NaN;
  if (m != 0) return m;
  m = load<f32>(p);
  for (let k = 1; k < n; k++) {
    const v = load<f32>(p + (<usize>k << 2));
    if (largest ? v > m : v < m) m = v;
  }
  return m;
}

/** out[r] = max (or min) of each of `rows` contiguous float32 rows of n ≥ 1, the same bits as the TypeScript kernel. */
export function extremeRowsF32(x: usize, out: usize, rows: i32, n: i32, largest: bool): void {
  const rowBytes = <usize>n << 2;
  for (let r = 0; r < rows; r++) store<f32>(out + (<usize>r << 2), rowExtreme(x + <usize>r * rowBytes, n, largest));
}

/**
 * out[r] (int32) = the index of the first largest (or smallest) element of
 * each float32 row of n ≥ 1, or of its first NaN, as the TypeScript kernel
 * (and PyTorch) picks it: the row's extreme first, then the first element
 * equal to it (±0 equal), four at a time.
 */
export function argExtremeRowsF32(x: usize, out: usize, rows: i32, n: i32, largest: bool): void {
  const rowBytes = <usize>n << 2;
  const n4 = n & ~3;
  for (let r = 0; r < rows; r++) {
    const p = x + <usize>r * rowBytes;
    const m = rowExtreme(p, n, largest);
    const isNaN = m != m;
    const mv = f32x4.splat(m);
    let at = -1;
    for (let k = 0; k < n4 && at < 0; k += 4) {
      const v = v128.load(p + (<usize>k << 2));
      const hit = i32x4.bitmask(isNaN ? f32x4.ne(v, v) : f32x4.eq(v, mv));
      if (hit != 0) at = k + ctz(hit);
    }
    for (let k = n4; k < n && at < 0; k++) {
      const v = load<f32>(p + (<usize>k << 2));
      if (isNaN ? v != v : v == m) at = k;
    }
    store<i32>(out + (<usize>r << 2), at);
  }
}
