// The fused GRU cell of @webgrad/layers-recurrent (its TypeScript kernel is
// the reference), two elements per f64x2 vector, every step in the
// reference's double-precision order (see f64-math.ts for e^x and tanh).

import { load2, sigmoid2v, store2, tanh2v } from './f64-math';

/**
 * One GRU step for `rows` rows of H units (H even), PyTorch's gate order
 * (r, z, n): r = σ(gi_r + (gh_r + b_r)), z = σ(gi_z + (gh_z + b_z)),
 * n = tanh(gi_n + r·(gh_n + b_n)), h′ = (1 − z)·n + z·h. `bias` is [3H].
 */
export function gruCellF32(gi: usize, gh: usize, h: usize, bias: usize, out: usize, rows: i32, H: i32): void {
  const hb = <usize>H << 2;
  const one = f64x2.splat(1);
  for (let row = 0; row < rows; row++) {
    const g0 = <usize>(row * 3 * H) << 2;
    const s0 = <usize>(row * H) << 2;
    for (let j = 0; j < H; j += 2) {
      const k = g0 + (<usize>j << 2);
      const bj = bias + (<usize>j << 2);
      const s = s0 + (<usize>j << 2);
      const r = sigmoid2v(f64x2.add(load2(gi + k), f64x2.add(load2(gh + k), load2(bj))));
      const z = sigmoid2v(f64x2.add(load2(gi + k + hb), f64x2.add(load2(gh + k + hb), load2(bj + hb))));
      const hn = f64x2.add(load2(gh + k + 2 * hb), load2(bj + 2 * hb));
      const n = tanh2v(f64x2.add(load2(gi + k + 2 * hb), f64x2.mul(r, hn)));
      store2(out + s, f64x2.add(f64x2.mul(f64x2.sub(one, z), n), f64x2.mul(z, load2(h + s))));
    }
  }
}

/**
 * The step's gradient (H even): with da_n = dh′·(1 − z)·(1 − n²),
 * da_z = dh′·(h − n)·z·(1 − z), da_r = da_n·hn·r·(1 − r):
 * dgi = [da_r, da_z, da_n], dgh = [da_r, da_z, da_n·r], dh = dh′·z —
 * in the reference's order of operations.
 */
export function gruCellBackwardF32(dhn: usize, gi: usize, gh: usize, h: usize, bias: usize, dgi: usize, dgh: usize, dh: usize, rows: i32, H: i32): void {
  const hb = <usize>H << 2;
  const one = f64x2.splat(1);
  for (let row = 0; row < rows; row++) {
    const g0 = <usize>(row * 3 * H) << 2;
    const s0 = <usize>(row * H) << 2;
    for (let j = 0; j < H; j += 2) {
      const k = g0 + (<usize>j << 2);
      const bj = bias + (<usize>j << 2);
      const s = s0 + (<usize>j << 2);
      // the gates recomputed from the saved inputs exactly as in gruCellF32: written out again because
      // AssemblyScript cannot return the four vectors from one shared helper without a round trip through memory
      const r = sigmoid2v(f64x2.add(load2(gi + k), f64x2.add(load2(gh + k), load2(bj))));
      const z = sigmoid2v(f64x2.add(load2(gi + k + hb), f64x2.add(load2(gh + k + hb), load2(bj + hb))));
      const hn = f64x2.add(load2(gh + k + 2 * hb), load2(bj + 2 * hb));
      const n = tanh2v(f64x2.add(load2(gi + k + 2 * hb), f64x2.mul(r, hn)));
      const d = load2(dhn + s);
      const dan = f64x2.mul(f64x2.mul(d, f64x2.sub(one, z)), f64x2.sub(one, f64x2.mul(n, n)));
      const daz = f64x2.mul(f64x2.mul(f64x2.mul(d, f64x2.sub(load2(h + s), n)), z), f64x2.sub(one, z));
      const dar = f64x2.mul(f64x2.mul(f64x2.mul(dan, hn), r), f64x2.sub(one, r));
      store2(dgi + k, dar);
      store2(dgi + k + hb, daz);
      store2(dgi + k + 2 * hb, dan);
      store2(dgh + k, dar);
      store2(dgh + k + hb, daz);
      store2(dgh + k + 2 * hb, f64x2.mul(dan, r));
      store2(dh + s, f64x2.mul(d, z));
    }
  }
}
