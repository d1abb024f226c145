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
