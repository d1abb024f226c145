// im2col (`unfold`) and its adjoint col2im (`fold`) for float32 images
// [N, C, H, W] and columns [N, C·kh·kw, oh·ow], the layout of the TypeScript
// kernels (kernels/unfold.ts): column row (c·kh + ki)·kw + kj, column
// oy·ow + ox reads pixel (oy·sh − ph + ki·dh, ox·sw − pw + kj·dw). unfold
// copies (so the same bits); fold adds each tap into the image with float32
// additions in the TypeScript kernel's order (so the same bits). With
// unfold here and the matrix product in gemm.ts, a convolution runs in
// WebAssembly from image to output.

/** The first and one-past-last ox whose pixel column ox·sw − pw + kj·dw lies in [0, W). */
function validSpan(ow: i32, W: i32, sw: i32, off: i32): i64 {
  // ix = ox·sw + off ≥ 0  ⇔ ox ≥ ⌈−off / sw⌉;  ix < W ⇔ ox < ⌈(W − off) / sw⌉
  let lo = off >= 0 ? 0 : (-off + sw - 1) / sw;
  let hi = W - off <= 0 ? 0 : (W - off + sw - 1) / sw;
  if (hi > ow) hi = ow;
  if (lo > hi) lo = hi;
  return (<i64>lo << 32) | <i64>hi;
}

/** columns[n][(c·kh + ki)·kw + kj][oy·ow + ox] = image pixel, or `pad` outside the image. */
export function unfoldF32(
  x: usize, out: usize,
  N: i32, C: i32, H: i32, W: i32,
  kh: i32, kw: i32, dh: i32, dw: i32, ph: i32, pw: i32, sh: i32, sw: i32, oh: i32, ow: i32,
  pad: f32,
): void {
  walkTaps(x, out, N, C, H, W, kh, kw, dh, dw, ph, pw, sh, sw, oh, ow, pad, false);
}

/** image[n][c][iy][ix] = Σ of the column entries that read it, added in the TypeScript kernel's order; `out` must be zeroed. */
export function foldF32(
  cols: usize, out: usize,
  N: i32, C: i32, H: i32, W: i32,
  kh: i32, kw: i32, dh: i32, dw: i32, ph: i32, pw: i32, sh: i32, sw: i32, oh: i32, ow: i32,
): void {
  walkTaps(out, cols, N, C, H, W, kh, kw, dh, dw, ph, pw, sh, sw, oh, ow, 0, true);
}

/**
 * Visits every column row (n, c, ki, kj) and output row oy in the
 * TypeScript kernel's order: copies the valid pixels of the image row into
 * the column row and pads the rest (`adjoint` false), or adds the column
 * row's valid entries into the image row (`adjoint` true).
 */
function walkTaps(
  img0: usize, col0: usize,
  N: i32, C: i32, H: i32, W: i32,
  kh: i32, kw: i32, dh: i32, dw: i32, ph: i32, pw: i32, sh: i32, sw: i32, oh: i32, ow: i32,
  pad: f32, adjoint: bool,
): void {
  const L = oh * ow;
  const padv = f32x4.splat(pad);
  let col = col0;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const img = img0 + (<usize>(n * C + c) * <usize>H * <usize>W << 2);
      for (let ki = 0; ki < kh; ki++) {
        for (let kj = 0; kj < kw; kj++) {
          const off = kj * dw - pw;
          const span = validSpan(ow, W, sw, off);
          const lo = <i32>(span >> 32);
          const hi = <i32>(span & 0xffffffff);
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * sh - ph + ki * dh;
            const crow = col + (<usize>(oy * ow) << 2);
            const irow = img + (<usize>(iy * W + off) << 2);
            const inside = iy >= 0 && iy < H && lo < hi;
            if (adjoint) {
              if (inside) addSpan(irow, crow, lo, hi, sw);
            } else if (!inside) {
              fillF32(crow, ow, pad, padv);
            } else {
              fillF32(crow, lo, pad, padv);
              copySpan(crow, irow, lo, hi, sw);
              fillF32(crow + (<usize>hi << 2), ow - hi, pad, padv);
            }
          }
          col += <usize>L << 2;
        }
      }
    }
  }
}

/** dst[ox] = src[ox·sw] for lo ≤ ox < hi. */
function copySpan(dst: usize, src: usize, lo: i32, hi: i32, sw: i32): void {
  if (sw == 1) {
    memory.copy(dst + (<usize>lo << 2), src + (<usize>lo << 2), <usize>(hi - lo) << 2);
    return;
  }
  for (let ox = lo; ox < hi; ox++) store<f32>(dst + (<usize>ox << 2), load<f32>(src + (<usize>(ox * sw) << 2)));
}

/** img[ox·sw] += col[ox] for lo ≤ ox < hi, in order (distinct ox hit distinct pixels, so four at a time is the same sums). */
function addSpan(img: usize, col: usize, lo: i32, hi: i32, sw: i32): void {
  let ox = lo;
  if (sw == 1) {
    for (; ox + 4 <= hi; ox += 4) {
      const o = <usize>ox << 2;
      v128.store(img + o, f32x4.add(v128.load(img + o), v128.load(col + o)));
    }
  }
  for (; ox < hi; ox++) {
    const d = img + (<usize>(ox * sw) << 2);
    store<f32>(d, load<f32>(d) + load<f32>(col + (<usize>ox << 2)));
  }
}

/** n floats of `pad` at p. */
function fillF32(p: usize, n: i32, pad: f32, padv: v128): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(p + (<usize>i << 2), padv);
  for (; i < n; i++) store<f32>(p + (<usize>i << 2), pad);
}
