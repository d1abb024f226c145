// Single-precision GEMM with 128-bit SIMD: C[M,N] (+)= op(A)[M,K] · op(B)[K,N].
//
// GotoBLAS structure: the K axis is cut into KC-deep slabs; for each slab the
// B columns are packed into 8-wide panels (k-major) and blocks of MC rows of
// A into 6-tall panels (k-major), and a 6x8 register-blocked micro-kernel
// keeps the 12 accumulator vectors of one output tile in registers while it
// walks the slab: per k, two B vectors and six broadcast A scalars feed 12
// multiply-adds. Products and sums are plain f32 multiplies and adds (no
// fused multiply-add), each output element summed over k in increasing
// order, so the result is the same bits whatever the tiling of rows across
// threads. Matrices are addressed by element strides, so transposed operands
// are read in place while packing.

/** Rows of the register tile. */
export const MR: i32 = 6;
/** Columns of the register tile (two f32x4 vectors). */
export const NR: i32 = 8;
/** Depth of a K slab (a 6x256 A panel and a 256x8 B panel fit L1 together). */
export const KC: i32 = 256;
/** Rows of A packed at once (72x256 floats = 72 KiB, an L2-resident block). */
export const MC: i32 = 72;

/** Floats of scratch one `sgemm` call needs for its packed panels and edge tile. */
export function sgemmScratchFloats(N: i32, K: i32): i32 {
  const kc = K < KC ? K : KC;
  const np = (N + NR - 1) / NR;
  return np * NR * kc + MC * kc + MR * NR;
}

/**
 * C rows [rowStart, rowEnd) of op(A)·op(B). Element (i, k) of op(A) is at
 * a + 4·(i·rsA + k·csA), element (k, j) of op(B) at b + 4·(k·rsB + j·csB),
 * element (i, j) of C at c + 4·(i·ldc + j). `scratch` holds
 * `sgemmScratchFloats(N, K)` floats, 16-byte aligned.
 */
export function sgemm(
  M: i32, N: i32, K: i32,
  a: usize, rsA: i32, csA: i32,
  b: usize, rsB: i32, csB: i32,
  c: usize, ldc: i32,
  rowStart: i32, rowEnd: i32,
  scratch: usize,
): void {
  if (rowEnd > M) rowEnd = M;
  if (rowStart >= rowEnd || N <= 0) return;
  if (K <= 0) {
    for (let i = rowStart; i < rowEnd; i++) memory.fill(c + (<usize>(i * ldc) << 2), 0, <usize>N << 2);
    return;
  }
  const kcMax = K < KC ? K : KC;
  const np = (N + NR - 1) / NR;
  const packB = scratch;
  const packA = packB + (<usize>(np * NR * kcMax) << 2);
  for (let pc = 0; pc < K; pc += KC) {
    const kc = K - pc < KC ? K - pc : KC;
    packPanelsB(N, kc, b + (<usize>(pc * rsB) << 2), rsB, csB, packB);
    gemmSlab(N, kc, pc, a, rsA, csA, packB, c, ldc, rowStart, rowEnd, packA);
  }
}

/**
 * One K slab [pc, pc + kc) for C rows [rowStart, rowEnd): rows of A packed
 * MC at a time into `packA` (followed by an MR×NR edge tile), multiplied with
 * the slab's packed B panels `packB`, added to C unless pc is 0.
 */
function gemmSlab(
  N: i32, kc: i32, pc: i32,
  a: usize, rsA: i32, csA: i32,
  packB: usize, c: usize, ldc: i32,
  rowStart: i32, rowEnd: i32, packA: usize,
): void {
  const tile = packA + (<usize>(MC * kc) << 2);
  for (let ic = rowStart; ic < rowEnd; ic += MC) {
    const mc = rowEnd - ic < MC ? rowEnd - ic : MC;
    packPanelsA(mc, kc, a + (<usize>(ic * rsA + pc * csA) << 2), rsA, csA, packA);
    for (let jr = 0; jr < N; jr += NR) {
      const nr = N - jr < NR ? N - jr : NR;
      const bp = packB + (<usize>(jr * kc) << 2);
      for (let ir = 0; ir < mc; ir += MR) {
        const mr = mc - ir < MR ? mc - ir : MR;
        const ap = packA + (<usize>(ir * kc) << 2);
        const cp = c + (<usize>((ic + ir) * ldc + jr) << 2);
        if (mr === MR && nr === NR) {
          micro6x8(kc, ap, bp, cp, ldc, pc > 0);
        } else {
          edgeTile(kc, ap, bp, cp, ldc, pc > 0, mr, nr, tile);
        }
      }
    }
  }
}

/** Floats of a whole op(B) packed by `packBFull`: every K slab's 8-wide panels, slab after slab. */
export function packedBFloats(N: i32, K: i32): i32 {
  return ((N + NR - 1) / NR) * NR * K;
}

/** Floats of per-thread scratch `sgemmChunk` needs (an MC×KC block of A and an edge tile). */
export function chunkScratchFloats(K: i32): i32 {
  return MC * (K < KC ? K : KC) + MR * NR;
}

/**
 * Packs all of op(B) (K×N, element (k, j) at b + 4·(k·rsB + j·csB)) the way
 * `sgemm` packs one slab at a time: slab p (depth kc) starts p·KC·⌈N/8⌉·8
 * floats after `out`, laid out exactly like sgemm's slab buffer.
 */
export function packBFull(N: i32, K: i32, b: usize, rsB: i32, csB: i32, out: usize): void {
  const panelsWidth = ((N + NR - 1) / NR) * NR;
  for (let pc = 0; pc < K; pc += KC) {
    const kc = K - pc < KC ? K - pc : KC;
    packPanelsB(N, kc, b + (<usize>(pc * rsB) << 2), rsB, csB, out + (<usize>(pc * panelsWidth) << 2));
  }
}

/**
 * One chunk of a threaded batched product whose B operands were packed by
 * `packBFull` (matrix i's packing at bp + 4·i·strideBp): chunk `chunk` is
 * rows [r·rowsPerChunk, (r+1)·rowsPerChunk) of product ⌊chunk / chunksPerMatrix⌋
 * (r = chunk mod chunksPerMatrix), computed by thread `thread` in its own
 * scratch at scratch + 4·thread·scratchStride. Every element is computed by
 * the same micro-kernel steps as in `sgemm`, so any assignment of chunks to
 * threads gives the same bits.
 */
export function sgemmChunk(
  strideA: i32, strideBp: i32, strideC: i32,
  M: i32, N: i32, K: i32,
  a: usize, rsA: i32, csA: i32,
  bp: usize, c: usize, ldc: i32,
  rowsPerChunk: i32, chunksPerMatrix: i32,
  scratch: usize, scratchStride: i32,
  chunk: i32, thread: i32,
): void {
  const m = chunk / chunksPerMatrix;
  const rowStart = (chunk - m * chunksPerMatrix) * rowsPerChunk;
  const rowEnd = rowStart + rowsPerChunk < M ? rowStart + rowsPerChunk : M;
  const am = a + (<usize>(m * strideA) << 2);
  const bm = bp + (<usize>(m * strideBp) << 2);
  const cm = c + (<usize>(m * strideC) << 2);
  const packA = scratch + (<usize>(thread * scratchStride) << 2);
  const panelsWidth = ((N + NR - 1) / NR) * NR;
  if (K <= 0) {
    for (let i = rowStart; i < rowEnd; i++) memory.fill(cm + (<usize>(i * ldc) << 2), 0, <usize>N << 2);
    return;
  }
  for (let pc = 0; pc < K; pc += KC) {
    const kc = K - pc < KC ? K - pc : KC;
    gemmSlab(N, kc, pc, am, rsA, csA, bm + (<usize>(pc * panelsWidth) << 2), cm, ldc, rowStart, rowEnd, packA);
  }
}

/** A partial tile: computed whole into `tile` (panels are zero-padded), then the valid part copied. */
function edgeTile(kc: i32, ap: usize, bp: usize, cp: usize, ldc: i32, accumulate: bool, mr: i32, nr: i32, tile: usize): void {
  memory.fill(tile, 0, <usize>(MR * NR) << 2);
  if (accumulate) {
    for (let r = 0; r < mr; r++) memory.copy(tile + (<usize>(r * NR) << 2), cp + (<usize>(r * ldc) << 2), <usize>nr << 2);
  }
  micro6x8(kc, ap, bp, tile, NR, accumulate);
  for (let r = 0; r < mr; r++) memory.copy(cp + (<usize>(r * ldc) << 2), tile + (<usize>(r * NR) << 2), <usize>nr << 2);
}

/** B[k, j] for k < kc, all j, into ceil(N/8) panels of kc×8 floats (columns past N are zero). */
function packPanelsB(N: i32, kc: i32, b: usize, rsB: i32, csB: i32, out: usize): void {
  for (let j0 = 0; j0 < N; j0 += NR) {
    const nr = N - j0 < NR ? N - j0 : NR;
    const panel = out + (<usize>(j0 * kc) << 2);
    if (nr === NR && csB === 1) {
      // contiguous rows of B: two vector copies per k
      let src = b + (<usize>j0 << 2);
      const step = <usize>rsB << 2;
      for (let k = 0; k < kc; k++) {
        const dst = panel + (<usize>(k * NR) << 2);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += step;
      }
    } else if (nr === NR && rsB === 1) {
      // B stored transposed (N rows of K): four k at a time from each of the 8 source rows, two 4x4 transposes
      const cs = <usize>csB << 2;
      const s0 = b + (<usize>(j0 * csB) << 2);
      const kc4 = kc & ~3;
      for (let k = 0; k < kc4; k += 4) {
        const s = s0 + (<usize>k << 2);
        const dst = panel + (<usize>(k * NR) << 2);
        transpose4x4(v128.load(s), v128.load(s + cs), v128.load(s + 2 * cs), v128.load(s + 3 * cs), dst, NR << 2);
        transpose4x4(v128.load(s + 4 * cs), v128.load(s + 5 * cs), v128.load(s + 6 * cs), v128.load(s + 7 * cs), dst + 16, NR << 2);
      }
      for (let k = kc4; k < kc; k++) gatherStrided(panel + (<usize>(k * NR) << 2), s0 + (<usize>k << 2), cs, NR);
    } else {
      packGeneric(panel, kc, NR, nr, b + (<usize>(j0 * csB) << 2), csB, rsB);
    }
  }
}

/**
 * A[i, k] for i < mc, k < kc into ceil(mc/6) panels of kc×6 floats (rows past
 * mc are zero). It mirrors packPanelsB case for case; the vector moves differ
 * with the panel width (6 = a vector and a pair, 8 = two vectors), which is
 * why the two are written out rather than shared.
 */
function packPanelsA(mc: i32, kc: i32, a: usize, rsA: i32, csA: i32, out: usize): void {
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const mr = mc - i0 < MR ? mc - i0 : MR;
    const panel = out + (<usize>(i0 * kc) << 2);
    if (mr === MR && rsA === 1) {
      // A stored transposed (K rows of M): six contiguous floats per k
      const cs = <usize>csA << 2;
      let src = a + (<usize>i0 << 2);
      for (let k = 0; k < kc; k++) {
        const dst = panel + (<usize>(k * MR) << 2);
        v128.store(dst, v128.load(src));
        store<u64>(dst, load<u64>(src, 16), 16);
        src += cs;
      }
    } else if (mr === MR && csA === 1) {
      // A row-major: four k at a time from each of the six source rows, a 4x4 transpose for rows 0-3 and pairs for rows 4-5
      const rs = <usize>rsA << 2;
      const s0 = a + (<usize>(i0 * rsA) << 2);
      const kc4 = kc & ~3;
      for (let k = 0; k < kc4; k += 4) {
        const s = s0 + (<usize>k << 2);
        const dst = panel + (<usize>(k * MR) << 2);
        transpose4x4(v128.load(s), v128.load(s + rs), v128.load(s + 2 * rs), v128.load(s + 3 * rs), dst, MR << 2);
        const r4 = v128.load(s + 4 * rs);
        const r5 = v128.load(s + 5 * rs);
        const lo = i32x4.shuffle(r4, r5, 0, 4, 1, 5);
        const hi = i32x4.shuffle(r4, r5, 2, 6, 3, 7);
        v128.store64_lane(dst, lo, 0, 16);
        v128.store64_lane(dst, lo, 1, 40);
        v128.store64_lane(dst, hi, 0, 64);
        v128.store64_lane(dst, hi, 1, 88);
      }
      for (let k = kc4; k < kc; k++) gatherStrided(panel + (<usize>(k * MR) << 2), s0 + (<usize>k << 2), rs, MR);
    } else {
      packGeneric(panel, kc, MR, mr, a + (<usize>(i0 * rsA) << 2), rsA, csA);
    }
  }
}

/** dst[q] = src[q·stride] for q < n (stride in bytes): one k of a panel from n source rows. */
function gatherStrided(dst: usize, src: usize, stride: usize, n: i32): void {
  for (let q = 0; q < n; q++) store<f32>(dst + (<usize>q << 2), load<f32>(src + <usize>q * stride));
}

/**
 * Any layout, element by element: panel[k][q] = element (q, k) at
 * base + 4·(q·across + k·along) for q < valid, 0 for valid ≤ q < width.
 */
function packGeneric(panel: usize, kc: i32, width: i32, valid: i32, base: usize, across: i32, along: i32): void {
  for (let k = 0; k < kc; k++) {
    const dst = panel + (<usize>(k * width) << 2);
    for (let q = 0; q < width; q++) {
      store<f32>(dst + (<usize>q << 2), q < valid ? load<f32>(base + (<usize>(q * across + k * along) << 2)) : <f32>0);
    }
  }
}

/**
 * Stores the transpose of the 4x4 block whose rows are r0..r3: row q of the
 * result (r0[q], r1[q], r2[q], r3[q]) goes to dst + q·stride bytes.
 */
function transpose4x4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: i32): void {
  const a = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const b = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const c = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const d = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  const st = <usize>stride;
  v128.store(dst, i32x4.shuffle(a, b, 0, 1, 4, 5));
  v128.store(dst + st, i32x4.shuffle(a, b, 2, 3, 6, 7));
  v128.store(dst + 2 * st, i32x4.shuffle(c, d, 0, 1, 4, 5));
  v128.store(dst + 3 * st, i32x4.shuffle(c, d, 2, 3, 6, 7));
}

/**
 * out[b][j][i] = x[b][i][j] for `batch` matrices of rows×cols floats: 4x4
 * blocks transposed in registers, walked in 32x32 tiles so both sides stay in
 * cache; edges element by element.
 */
export function transposeF32(x: usize, out: usize, batch: i32, rows: i32, cols: i32): void {
  const rows4 = rows & ~3;
  const cols4 = cols & ~3;
  const rowBytes = <usize>cols << 2;
  const outRowBytes = <usize>rows << 2;
  for (let m = 0; m < batch; m++) {
    const xb = x + (<usize>(m * rows * cols) << 2);
    const ob = out + (<usize>(m * rows * cols) << 2);
    for (let i0 = 0; i0 < rows4; i0 += 32) {
      const i1 = i0 + 32 < rows4 ? i0 + 32 : rows4;
      for (let j0 = 0; j0 < cols4; j0 += 32) {
        const j1 = j0 + 32 < cols4 ? j0 + 32 : cols4;
        for (let i = i0; i < i1; i += 4) {
          for (let j = j0; j < j1; j += 4) {
            const s = xb + <usize>i * rowBytes + (<usize>j << 2);
            transpose4x4(v128.load(s), v128.load(s + rowBytes), v128.load(s + 2 * rowBytes), v128.load(s + 3 * rowBytes), ob + <usize>j * outRowBytes + (<usize>i << 2), <i32>outRowBytes);
          }
        }
      }
    }
    // the right strip (columns past cols4) and the bottom strip (rows past rows4)
    for (let i = 0; i < rows; i++) {
      const jStart = i < rows4 ? cols4 : 0;
      for (let j = jStart; j < cols; j++) {
        store<f32>(ob + <usize>j * outRowBytes + (<usize>i << 2), load<f32>(xb + <usize>i * rowBytes + (<usize>j << 2)));
      }
    }
  }
}

/** The 6x8 register tile: C[0:6, 0:8] (+)= Ap[kc×6]ᵀ · Bp[kc×8]. */
function micro6x8(kc: i32, ap: usize, bp: usize, cp: usize, ldc: i32, accumulate: bool): void {
  const ld = <usize>ldc << 2;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  if (accumulate) {
    c00 = v128.load(cp); c01 = v128.load(cp, 16);
    c10 = v128.load(cp + ld); c11 = v128.load(cp + ld, 16);
    c20 = v128.load(cp + 2 * ld); c21 = v128.load(cp + 2 * ld, 16);
    c30 = v128.load(cp + 3 * ld); c31 = v128.load(cp + 3 * ld, 16);
    c40 = v128.load(cp + 4 * ld); c41 = v128.load(cp + 4 * ld, 16);
    c50 = v128.load(cp + 5 * ld); c51 = v128.load(cp + 5 * ld, 16);
  }
  let a = ap;
  let b = bp;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let x = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(x, b0)); c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(x, b0)); c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(x, b0)); c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(x, b0)); c31 = f32x4.add(c31, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 16);
    c40 = f32x4.add(c40, f32x4.mul(x, b0)); c41 = f32x4.add(c41, f32x4.mul(x, b1));
    x = v128.load32_splat(a, 20);
    c50 = f32x4.add(c50, f32x4.mul(x, b0)); c51 = f32x4.add(c51, f32x4.mul(x, b1));
    a += 24;
    b += 32;
  }
  v128.store(cp, c00); v128.store(cp, c01, 16);
  v128.store(cp + ld, c10); v128.store(cp + ld, c11, 16);
  v128.store(cp + 2 * ld, c20); v128.store(cp + 2 * ld, c21, 16);
  v128.store(cp + 3 * ld, c30); v128.store(cp + 3 * ld, c31, 16);
  v128.store(cp + 4 * ld, c40); v128.store(cp + 4 * ld, c41, 16);
  v128.store(cp + 5 * ld, c50); v128.store(cp + 5 * ld, c51, 16);
}

/**
 * `sgemm` over a batch: matrix `i` of op(A) starts `i·strideA` floats after
 * `a` (0 broadcasts one matrix over the batch), likewise for B and C. Rows
 * [rowStart, rowEnd) of every product, so threads split the rows of a batch.
 */
export function sgemmBatched(
  batch: i32, strideA: i32, strideB: i32, strideC: i32,
  M: i32, N: i32, K: i32,
  a: usize, rsA: i32, csA: i32,
  b: usize, rsB: i32, csB: i32,
  c: usize, ldc: i32,
  rowStart: i32, rowEnd: i32,
  scratch: usize,
): void {
  for (let i = 0; i < batch; i++) {
    sgemm(
      M, N, K,
      a + (<usize>(i * strideA) << 2), rsA, csA,
      b + (<usize>(i * strideB) << 2), rsB, csB,
      c + (<usize>(i * strideC) << 2), ldc,
      rowStart, rowEnd, scratch,
    );
  }
}
