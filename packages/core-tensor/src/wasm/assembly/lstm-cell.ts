// The fused LSTM cell of @webgrad/layers-recurrent (its TypeScript kernel is
// the reference), two elements per f64x2 vector. Every step mirrors the
// reference's double-precision formula in the same order; only e^x and
// tanh differ in their last double-precision bits from the engine's
// Math.exp/Math.tanh, far below the single rounding to float32 at the end.

import { load2, sigmoid2v, store2, tanh2v } from './f64-math';

/**
 * One LSTM step for `rows` rows of H units (H even): gates a = gi + gh in
 * PyTorch's order (i, f, g, o), c′ = f·c + i·g, h′ = o·tanh(c′).
 */
export function lstmCellF32(gi: usize, gh: usize, c: usize, h: usize, cn: usize, rows: i32, H: i32): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < rows; r++) {
    const g0 = <usize>(r * 4 * H) << 2;
    const s0 = <usize>(r * H) << 2;
    for (let j = 0; j < H; j += 2) {
      const k = g0 + (<usize>j << 2);
      const s = s0 + (<usize>j << 2);
      const i = sigmoid2v(f64x2.add(load2(gi + k), load2(gh + k)));
      const f = sigmoid2v(f64x2.add(load2(gi + k + hb), load2(gh + k + hb)));
      const g = tanh2v(f64x2.add(load2(gi + k + 2 * hb), load2(gh + k + 2 * hb)));
      const o = sigmoid2v(f64x2.add(load2(gi + k + 3 * hb), load2(gh + k + 3 * hb)));
      const cv = f64x2.add(f64x2.mul(f, load2(c + s)), f64x2.mul(i, g));
      store2(cn + s, cv);
      store2(h + s, f64x2.mul(o, tanh2v(cv)));
    }
  }
}

/**
 * The step's gradient (H even): with tc = tanh(c′), dc_total = dc′ + dh′·o·(1 − tc²),
 * da = [dc_total·g·i(1−i), dc_total·c·f(1−f), dc_total·i·(1−g²), dh′·tc·o(1−o)],
 * dc = dc_total·f — in the reference's order of operations.
 */
export function lstmCellBackwardF32(dh: usize, dcn: usize, gi: usize, gh: usize, c: usize, da: usize, dc: usize, rows: i32, H: i32): void {
  const hb = <usize>H << 2;
  const one = f64x2.splat(1);
  for (let r = 0; r < rows; r++) {
    const g0 = <usize>(r * 4 * H) << 2;
    const s0 = <usize>(r * H) << 2;
    for (let j = 0; j < H; j += 2) {
      const k = g0 + (<usize>j << 2);
      const s = s0 + (<usize>j << 2);
      // the gates are recomputed from the saved inputs exactly as in lstmCellF32 (and as the
      // reference does): four vectors, which AssemblyScript cannot return from one shared helper
      // without a round trip through memory
      const i = sigmoid2v(f64x2.add(load2(gi + k), load2(gh + k)));
      const f = sigmoid2v(f64x2.add(load2(gi + k + hb), load2(gh + k + hb)));
      const g = tanh2v(f64x2.add(load2(gi + k + 2 * hb), load2(gh + k + 2 * hb)));
      const o = sigmoid2v(f64x2.add(load2(gi + k + 3 * hb), load2(gh + k + 3 * hb)));
      const cp = load2(c + s);
      const tc = tanh2v(f64x2.add(f64x2.mul(f, cp), f64x2.mul(i, g)));
      const dhv = load2(dh + s);
      const dct = f64x2.add(load2(dcn + s), f64x2.mul(f64x2.mul(dhv, o), f64x2.sub(one, f64x2.mul(tc, tc))));
      store2(da + k, f64x2.mul(f64x2.mul(f64x2.mul(dct, g), i), f64x2.sub(one, i)));
      store2(da + k + hb, f64x2.mul(f64x2.mul(f64x2.mul(dct, cp), f), f64x2.sub(one, f)));
      store2(da + k + 2 * hb, f64x2.mul(f64x2.mul(dct, i), f64x2.sub(one, f64x2.mul(g, g))));
      store2(da + k + 3 * hb, f64x2.mul(f64x2.mul(f64x2.mul(dhv, tc), o), f64x2.sub(one, o)));
      store2(dc + s, f64x2.mul(dct, f));
    }
  }
}
