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
 * multiply-adds on padding: 4, 8, 16 or 32 rows and 32 columns are used when
 * the product has no more (with 128 columns for the short blocks). The
 * reduction depth tk is the largest power of two up to 32 whose two tiles fit
 * the 16 KiB of workgroup memory every device allows (few barriers matter on
 * lavapipe, which runs a workgroup's invocations in turn between them).
 */
export function chooseTile(rows: number, cols: number): ConvTile {
  const tm = rows <= 4 ? 4 : rows <= 8 ? 8 : rows <= 16 ? 16 : rows <= 32 ? 32 : 64;
  const tn = cols <= 32 ? 32 : tm <= 32 ? 128 : 64;
  const threads = (tm * tn) / 16;
  // a power of two, so that it divides the thread count (loadTiles gives each thread one k of A)
  let tk = 32;
  while (tk > 8 && (tk > threads || (tm + tn) * tk * 4 > 16384)) tk /= 2;
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
 * WGSL `tapPixel(n, g, r, y0, x0)`: x[n, g·Cg + ci, y0 + ky·dh, x0 + kx·dw] for the tap
 * r = (ci, ky, kx), or 0 in the padding — with (y0, x0) = (oy·sh − ph, ox·sw − pw) of an output
 * window, the im2col element X̂[r, (oy, ox)] of sample n and group g, read straight from x
 * (binding `in${binding}`). r must be in range.
 */
export function tapPixelFn(binding: number): string {
  return `
fn tapPixel(n: u32, g: u32, r: u32, y0: i32, x0: i32) -> f32 {
  let taps = P.kh * P.kw;
  let ci = r / taps;
  let t = r % taps;
  let iy = y0 + i32((t / P.kw) * P.dh);
  let ix = x0 + i32((t % P.kw) * P.dw);
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

/** How one operand's elements are gathered while a tile is loaded. */
export interface TileOperand {
  /**
   * WGSL statements run once per thread and stage, given the index the
   * thread's next elements share (A: its k; B: its column, col0 + c) — where
   * the decoding they share goes.
   */
  readonly setup?: (fixed: string) => string;
  /** WGSL expression of the element (0 out of range): A[row0 + i, k] or B[k, col0 + column]. */
  readonly at: (i: string, fixed: string) => string;
}

/**
 * WGSL loading both tiles for the reduction steps k0 … k0 + tk − 1, with the
 * local thread index `t` in scope. Each thread loads A at one k (rows i =
 * t / tk, t / tk + threads / tk, …: tk divides the thread count) and B by
 * whole columns (one column and some of its k when there are at least tn
 * threads, else whole columns in turn), so index decoding that depends only
 * on that k or column runs once per thread and stage (the operands' `setup`),
 * not once per element — integer division is slow where lanes run it one at
 * a time (lavapipe).
 */
export function loadTiles(t: ConvTile, a: TileOperand, b: TileOperand): string {
  const threads = (t.tm * t.tn) / 16;
  const bLoop =
    threads >= t.tn
      ? `{
      let cb = t % ${t.tn}u;
      ${b.setup?.('(col0 + cb)') ?? ''}
      for (var kb = t / ${t.tn}u; kb < ${t.tk}u; kb = kb + ${threads / t.tn}u) {
        Bs[kb * ${t.tn / 4}u + cb / 4u][cb % 4u] = ${b.at('(k0 + kb)', 'cb')};
      }
    }`
      : `for (var cb = t; cb < ${t.tn}u; cb = cb + ${threads}u) {
      ${b.setup?.('(col0 + cb)') ?? ''}
      for (var kb = 0u; kb < ${t.tk}u; kb = kb + 1u) {
        Bs[kb * ${t.tn / 4}u + cb / 4u][cb % 4u] = ${b.at('(k0 + kb)', 'cb')};
      }
    }`;
  return `
    {
      let ka = t % ${t.tk}u;
      ${a.setup?.('(k0 + ka)') ?? ''}
      for (var i = t / ${t.tk}u; i < ${t.tm}u; i = i + ${threads / t.tk}u) {
        As[ka * ${t.tm / 4}u + i / 4u][i % 4u] = ${a.at('i', '(k0 + ka)')};
      }
    }
    ${bLoop}`;
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

/** WGSL declaring the thread's 4×4 accumulators `acc0..acc3` (one vec4 per row). */
export const ACCUMULATORS = `var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);`;

/**
 * WGSL storing the thread's 4×4 block: `store(args…, row + j, column, accj)`
 * for j = 0…3, given the argument list before the row, the row of acc0 and
 * the arguments after it.
 */
export function storeAccumulators(before: string, row: string, after: string): string {
  return [0, 1, 2, 3]
    .map((j) => `store(${before}${j === 0 ? row : `${row} + ${j}u`}, ${after}, acc${j});`)
    .join('\n  ');
}
