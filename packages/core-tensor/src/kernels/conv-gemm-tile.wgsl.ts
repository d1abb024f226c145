import { UniformLayout, type UniformKind } from '../webgpu/uniform-layout.js';

// The pieces the three implicit-GEMM convolution kernels share: conv2d (`conv2d.wgsl.ts`), its
// input gradient / the transposed convolution (`conv-transpose2d.wgsl.ts`) and its weight
// gradient (`conv2d-weight-grad.wgsl.ts`). Each is a product C = A·B tiled like the matmul
// kernel — a 16×16 workgroup owns a 64×64 block of C, 4×4 outputs per thread in registers, and
// walks the reduction in steps of CONV_TK through workgroup memory — and they differ only in
// where the elements of A and B are gathered from and where C is stored. No operand is ever
// materialised (no im2col columns, no col2im scatter).

/** Rows and columns of C a workgroup owns. */
export const CONV_TILE = 64;

/**
 * Reduction steps staged in workgroup memory at a time: two 64×32 float tiles
 * fill the 16 KiB every device allows. Few barriers matter on lavapipe, which
 * runs a workgroup's invocations in turn between them.
 */
export const CONV_TK = 32;

/** The uniform fields of the convolution geometry, in every conv kernel's layout. */
export const CONV_GEOMETRY: readonly (readonly [string, UniformKind])[] = [
  ['C', 'u32'],
  ['H', 'u32'],
  ['W', 'u32'],
  ['Co', 'u32'],
  ['Cg', 'u32'],
  ['Cog', 'u32'],
  ['kh', 'u32'],
  ['kw', 'u32'],
  ['sh', 'u32'],
  ['sw', 'u32'],
  ['ph', 'i32'],
  ['pw', 'i32'],
  ['dh', 'u32'],
  ['dw', 'u32'],
  ['oh', 'u32'],
  ['ow', 'u32'],
  ['groups', 'u32'],
];

/** A uniform layout of the geometry followed by a kernel's own fields. */
export function convLayout(own: readonly (readonly [string, UniformKind])[]): UniformLayout {
  return new UniformLayout([...CONV_GEOMETRY, ...own]);
}

/** The geometry of one convolution x [N, C, H, W] ⋆ w [Co, Cg, kh, kw] → y [N, Co, oh, ow]. */
export interface ConvGeometry {
  readonly N: number;
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly Co: number;
  readonly Cg: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly ph: number;
  readonly pw: number;
  readonly dh: number;
  readonly dw: number;
  readonly oh: number;
  readonly ow: number;
  readonly groups: number;
}

/** The uniform values of the geometry (everything but N). */
export function geometryUniforms(g: ConvGeometry): Record<string, number> {
  const { N: _n, ...rest } = g;
  void _n;
  return { ...rest, Cog: g.Co / g.groups };
}

/**
 * WGSL `imagePixel(n, g, r, l)`: x[n, g·Cg + ci, oy·sh − ph + ky·dh, ox·sw − pw + kx·dw] for the
 * tap r = (ci, ky, kx) of output window l = (oy, ox), or 0 in the padding — the im2col element
 * X̂[r, l] of sample n and group g, read straight from x (binding `in${binding}`). r and l must
 * be in range.
 */
export function imagePixelFn(binding: number): string {
  return `
fn imagePixel(n: u32, g: u32, r: u32, l: u32) -> f32 {
  let taps = P.kh * P.kw;
  let ci = r / taps;
  let t = r % taps;
  let iy = i32((l / P.ow) * P.sh + (t / P.kw) * P.dh) - P.ph;
  let ix = i32((l % P.ow) * P.sw + (t % P.kw) * P.dw) - P.pw;
  if (iy < 0 || ix < 0 || iy >= i32(P.H) || ix >= i32(P.W)) { return 0.0; }
  return in${binding}[((n * P.C + g * P.Cg + ci) * P.H + u32(iy)) * P.W + u32(ix)];
}
`;
}

/** WGSL declarations of the two staged tiles, `As` (64×TK of A) and `Bs` (TK×64 of B), both k-major vec4s. */
export const CONV_TILES_DECL = `
var<workgroup> As: array<vec4<f32>, ${(CONV_TILE * CONV_TK) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(CONV_TILE * CONV_TK) / 4}>;
`;

/**
 * WGSL loading both tiles for the reduction steps k0 … k0 + TK − 1, with the
 * local thread index `t` in scope. `aAt(m, k)` / `bAt(k, c)` are WGSL
 * expressions (the caller's functions) for A[row0 + m, k] and B[k, col0 + c]
 * that return 0 out of range. A: each thread fills 4 consecutive k of one row
 * per 16 steps; B: 4 neighbouring columns of one k.
 */
export function loadConvTiles(
  aAt: (m: string, k: string) => string,
  bAt: (k: string, c: string) => string,
): string {
  return `
    for (var s = 0u; s < ${CONV_TK / 16}u; s = s + 1u) {
      let i = t / 4u;
      let kb = s * 16u + (t % 4u) * 4u;
      for (var j = 0u; j < 4u; j = j + 1u) {
        As[(kb + j) * 16u + i / 4u][i % 4u] = ${aAt('i', 'k0 + kb + j')};
      }
      let kr = s * 16u + t / 16u;
      let c = (t % 16u) * 4u;
      Bs[kr * 16u + t % 16u] = vec4<f32>(${bAt('k0 + kr', 'c')}, ${bAt('k0 + kr', 'c + 1u')}, ${bAt('k0 + kr', 'c + 2u')}, ${bAt('k0 + kr', 'c + 3u')});
    }`;
}

/**
 * WGSL of one staged step of the product, after `loadConvTiles`: wait for the
 * tiles, add this thread's 4×4 block (`acc0..acc3`: rows lid.y·4 …, columns
 * lid.x·4 …) over the `kn` valid steps and wait again. (The matmul kernel has
 * its own copy of this loop: it is being retuned on its own, and the conv
 * kernels must not change with it.)
 */
export function convTileProduct(kn: string): string {
  return `workgroupBarrier();
    let kn = ${kn};
    for (var k = 0u; k < kn; k = k + 1u) {
      let av = As[k * 16u + lid.y];
      let bv = Bs[k * 16u + lid.x];
      acc0 = acc0 + av.x * bv;
      acc1 = acc1 + av.y * bv;
      acc2 = acc2 + av.z * bv;
      acc3 = acc3 + av.w * bv;
    }
    workgroupBarrier();`;
}
