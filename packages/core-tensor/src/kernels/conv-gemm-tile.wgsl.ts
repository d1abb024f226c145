import type { GpuProgram } from '../webgpu/pipeline-cache.js';
import { UniformLayout, type UniformKind } from '../webgpu/uniform-layout.js';

// The pieces the three implicit-GEMM convolution kernels share: conv2d (`conv2d.wgsl.ts`), its
// input gradient / the transposed convolution (`conv-transpose2d.wgsl.ts`) and its weight
// gradient (`conv2d-weight-grad.wgsl.ts`). Each is a product C = A·B tiled like the matmul
// kernel — a workgroup owns a tm×tn block of C, 4×4 outputs per thread in registers, and walks
// the reduction in steps of tk through workgroup memory — and they differ only in where the
// elements of A and B are gathered from and where C is stored. No operand is ever materialised
// (no im2col columns, no col2im scatter).

/** A block shape: rows × columns of C per workgroup and reduction steps per staged tile. */
export interface ConvTile {
  readonly tm: number;
  readonly tn: number;
  readonly tk: number;
}

/**
 * The block shape for a product with `rows` rows and `cols` columns per
 * workgroup grid. Convolutions often have few channels (LeNet's 6 and 16, a
 * weight gradient's 25 taps), where a 64×64 block would spend most of its
 * multiply-adds on padding: 16 rows or 32 columns are used when the product
 * has no more. The reduction depth tk fills at most the 16 KiB of workgroup
 * memory every device allows (few barriers matter on lavapipe, which runs a
 * workgroup's invocations in turn between them).
 */
export function chooseTile(rows: number, cols: number): ConvTile {
  const tm = rows <= 16 ? 16 : 64;
  const tn = cols <= 32 ? 32 : tm === 16 ? 128 : 64;
  const tk = Math.min(32, Math.floor(4096 / (tm + tn) / 16) * 16);
  return { tm, tn, tk };
}

/** The pipeline-key suffix of a block shape. */
export function tileKey(t: ConvTile): string {
  return `${t.tm}x${t.tn}x${t.tk}`;
}

/** The WGSL workgroup-size attribute of a block shape: (tn/4, tm/4) threads. */
export function tileWorkgroup(t: ConvTile): string {
  return `@workgroup_size(${t.tn / 4}, ${t.tm / 4})`;
}

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

/** WGSL declarations of the two staged tiles, `As` (tm×tk of A) and `Bs` (tk×tn of B), both k-major vec4s. */
export function tilesDecl(t: ConvTile): string {
  return `
var<workgroup> As: array<vec4<f32>, ${(t.tm * t.tk) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(t.tk * t.tn) / 4}>;
`;
}

/**
 * WGSL loading both tiles for the reduction steps k0 … k0 + tk − 1, with the
 * local thread index `t` in scope. `aAt(m, k)` / `bAt(k, c)` are WGSL
 * expressions (the caller's functions) for A[row0 + m, k] and B[k, col0 + c]
 * that return 0 out of range. Consecutive threads take consecutive k of A and
 * consecutive columns of B (where the operands are contiguous, if anywhere).
 */
export function loadTiles(
  t: ConvTile,
  aAt: (m: string, k: string) => string,
  bAt: (k: string, c: string) => string,
): string {
  const threads = (t.tm * t.tn) / 16;
  return `
    for (var e = t; e < ${t.tm * t.tk}u; e = e + ${threads}u) {
      let m = e / ${t.tk}u;
      let k = e % ${t.tk}u;
      As[k * ${t.tm / 4}u + m / 4u][m % 4u] = ${aAt('m', 'k0 + k')};
    }
    for (var e = t; e < ${t.tk * t.tn}u; e = e + ${threads}u) {
      let k = e / ${t.tn}u;
      let c = e % ${t.tn}u;
      Bs[k * ${t.tn / 4}u + c / 4u][c % 4u] = ${bAt('k0 + k', 'c')};
    }`;
}

/**
 * WGSL of one staged step of the product, after `loadTiles`: wait for the
 * tiles, add this thread's 4×4 block (`acc0..acc3`: rows lid.y·4 …, columns
 * lid.x·4 …) over the `kn` valid steps and wait again. (The matmul kernel has
 * its own copy of this loop: it is being retuned on its own, and the conv
 * kernels must not change with it.)
 */
export function tileProduct(t: ConvTile, kn: string): string {
  return `workgroupBarrier();
    let kn = ${kn};
    for (var k = 0u; k < kn; k = k + 1u) {
      let av = As[k * ${t.tm / 4}u + lid.y];
      let bv = Bs[k * ${t.tn / 4}u + lid.x];
      acc0 = acc0 + av.x * bv;
      acc1 = acc1 + av.y * bv;
      acc2 = acc2 + av.z * bv;
      acc3 = acc3 + av.w * bv;
    }
    workgroupBarrier();`;
}

const programs = new Map<string, GpuProgram>();

/** The program called `key`, built by `make` the first time it is asked for (one per kernel, block shape and variant). */
export function convProgram(key: string, make: (key: string) => GpuProgram): GpuProgram {
  let p = programs.get(key);
  if (p === undefined) {
    p = make(key);
    programs.set(key, p);
  }
  return p;
}
