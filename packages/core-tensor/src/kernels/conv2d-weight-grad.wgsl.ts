import type { KernelTensor } from '../backend.js';
import { linearGroups, linearProgram, registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { bindingDecls, type GpuProgram } from '../webgpu/pipeline-cache.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';
import {
  ACCUMULATORS,
  chooseTile,
  convProgram,
  convLayout,
  geometryUniforms,
  loadTiles,
  storeAccumulators,
  tileKey,
  tileProduct,
  tilesDecl,
  tileWorkgroup,
  type ConvTile,
} from './conv-gemm-tile.wgsl.js';

// The weight gradient of conv2d as an implicit GEMM on WebGPU: `conv2dWeightGradGemm`,
// [dy [N, Co, oh, ow], x [N, C, H, W]] → dw [Co, Cg, kh, kw] with
//   dw[g·Cog + co, r] = Σ_κ dy[n, g·Cog + co, l] · X̂[r, l],   κ = (n, l) over N·oh·ow,
//   r = (ci, ky, kx),  X̂[r, l] = x[n, g·Cg + ci, oy·sh − ph + ky·dh, ox·sw − pw + kx·dw]
// (0 in the padding): per group a product [Cog, N·oh·ow]·[N·oh·ow, Cg·kh·kw] whose operands
// are read in place (dy as it lies, X̂ gathered from x as in the forward kernel).
//
// The reduction N·oh·ow is long and the product small, so it is split: workgroup y = s sums
// only the chunk κ ∈ [s·chunk, (s + 1)·chunk) into a partial [Co, Cg·kh·kw]; a second pass
// adds the partials in order. Every accumulator then sums at most `chunk` products (float32
// error grows with the length of a running sum), and small weights still get enough workgroups
// to fill the device. Workgroups: x = 64×64 blocks of (co, r), y = chunk, z = group.

const PARAMS = convLayout([
  ['R', 'u32'],
  ['L', 'u32'],
  ['total', 'u32'],
  ['chunk', 'u32'],
  ['tilesN', 'u32'],
]);

function partialProgram(key: string, tile: ConvTile): GpuProgram {
  return {
    key,
    inputs: 2,
    outputs: 1,
    source: () =>
      bindingDecls(['f32', 'f32'], ['f32'], PARAMS.wgsl) +
      tilesDecl(tile) +
      `
/** A[co, κ] = dy[n, g·Cog + co, l] from its place at for co = 0 (0 past the group's channels or the chunk's end). */
fn gradAt(inK: bool, at: u32, co: u32) -> f32 {
  if (!inK || co >= P.Cog) { return 0.0; }
  return in0[at + co * P.L];
}

/** B[κ, r] = X̂[r, l] of sample n for the tap r = (ci, ky, kx) given as ci and (ky·dh − ph, kx·dw − pw) (0 past the taps or the chunk's end). */
fn columnAt(g: u32, kappa: u32, end: u32, inR: bool, ci: u32, ty: i32, tx: i32) -> f32 {
  if (!inR || kappa >= end) { return 0.0; }
  let n = kappa / P.L;
  let l = kappa % P.L;
  let iy = i32((l / P.ow) * P.sh) + ty;
  let ix = i32((l % P.ow) * P.sw) + tx;
  if (iy < 0 || ix < 0 || iy >= i32(P.H) || ix >= i32(P.W)) { return 0.0; }
  return in1[((n * P.C + g * P.Cg + ci) * P.H + u32(iy)) * P.W + u32(ix)];
}

fn store(base: u32, co: u32, r: u32, v: vec4<f32>) {
  if (co >= P.Cog) { return; }
  let o = base + co * P.R;
  if (r < P.R) { out0[o + r] = v.x; }
  if (r + 1u < P.R) { out0[o + r + 1u] = v.y; }
  if (r + 2u < P.R) { out0[o + r + 2u] = v.z; }
  if (r + 3u < P.R) { out0[o + r + 3u] = v.w; }
}

@compute ${tileWorkgroup(tile)}
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let g = wid.z;
  let row0 = (wid.x / P.tilesN) * ${tile.tm}u;
  let col0 = (wid.x % P.tilesN) * ${tile.tn}u;
  let start = wid.y * P.chunk;
  let end = min(P.total, start + P.chunk);
  ${ACCUMULATORS}
  for (var k0 = start; k0 < end; k0 = k0 + ${tile.tk}u) {
    ${loadTiles(
      tile,
      {
        setup: (k) =>
          `let inK = ${k} < end; let at = ((${k} / P.L) * P.Co + g * P.Cog) * P.L + ${k} % P.L;`,
        at: (m) => `gradAt(inK, at, row0 + ${m})`,
      },
      {
        // the tap r = (ci, ky, kx) whose column of X̂ is loaded
        setup: (r) =>
          `let inR = ${r} < P.R; let ci = ${r} / (P.kh * P.kw); let ty = i32(((${r} % (P.kh * P.kw)) / P.kw) * P.dh) - P.ph; let tx = i32((${r} % P.kw) * P.dw) - P.pw;`,
        at: (k) => `columnAt(g, ${k}, end, inR, ci, ty, tx)`,
      },
    )}
    ${tileProduct(tile, `min(${tile.tk}u, end - k0)`)}
  }
  // partial s of the weight gradient [Co, R] (the gradient itself when there is one chunk)
  let base = (wid.y * P.Co + g * P.Cog) * P.R;
  let co = row0 + lid.y * 4u;
  let r = col0 + lid.x * 4u;
  ${storeAccumulators('base, ', 'co', 'r')}
}
`,
  };
}

const SUM_PARAMS = new UniformLayout([
  ['size', 'u32'],
  ['parts', 'u32'],
]);

// the partials added in order, one thread per weight
const SUM_PARTIALS = linearProgram('conv2dWeightGrad/sum-partials', () => ({
  inputs: ['f32'],
  outputs: ['f32'],
  params: SUM_PARAMS,
  body: `
  if (i >= P.size) { return; }
  var acc = 0.0;
  for (var s = 0u; s < P.parts; s = s + 1u) { acc = acc + in0[s * P.size + i]; }
  out0[i] = acc;`,
}));

/** Products summed by one accumulator at least (shorter chunks cost more partials than they save). */
const MIN_CHUNK = 256;
/** Products summed by one accumulator at most, unless the partials would pass PARTIALS_LIMIT. */
const MAX_CHUNK = 4096;
/** Workgroups worth aiming for: enough to fill a GPU's cores several times. */
const TARGET_WORKGROUPS = 256;
/** Floats of partial sums the split may allocate (16 MiB). */
const PARTIALS_LIMIT = 1 << 22;

/**
 * The chunk of the reduction each workgroup sums: long enough that partials
 * stay few, short enough that blocks × chunks reaches TARGET_WORKGROUPS and
 * no accumulator runs over MAX_CHUNK products, a multiple of the tile depth.
 */
export function weightGradChunk(
  total: number,
  blocks: number,
  weights: number,
  tk: number,
): number {
  const round = (v: number): number => Math.ceil(v / tk) * tk;
  let chunk = round(Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, (total * blocks) / TARGET_WORKGROUPS)));
  const maxParts = Math.max(1, Math.min(65535, Math.floor(PARTIALS_LIMIT / weights)));
  if (Math.ceil(total / chunk) > maxParts) chunk = round(total / maxParts);
  return Math.max(tk, chunk);
}

registerGpuKernel('conv2dWeightGradGemm', (inputs, attrs, be) => {
  const [dy, x] = inputs as [KernelTensor, KernelTensor];
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [, Co, oh, ow] = dy.shape as [number, number, number, number];
  const [kh, kw] = attrs.kernelSize as [number, number];
  const [sh, sw] = attrs.stride as [number, number];
  const [ph, pw] = attrs.padding as [number, number];
  const [dh, dw] = attrs.dilation as [number, number];
  const groups = attrs.groups as number;
  const Cg = C / groups;
  const Cog = Co / groups;
  const R = Cg * kh * kw;
  const out = be.output('conv2dWeightGradGemm', [Co, Cg, kh, kw], dy.dtype);
  const size = Co * R;
  const L = oh * ow;
  const total = N * L;
  const tile = chooseTile(Cog, R);
  const tilesN = Math.ceil(R / tile.tn);
  const blocks = Math.ceil(Cog / tile.tm) * tilesN;
  const chunk = weightGradChunk(Math.max(total, 1), blocks * groups, size, tile.tk);
  const program = convProgram(`conv2dWeightGrad/implicit-gemm/${tileKey(tile)}`, (k) =>
    partialProgram(k, tile),
  );
  const parts = Math.max(1, Math.ceil(total / chunk));
  const geometry = { N, C, H, W, Co, Cg, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, groups };
  const uniforms = PARAMS.pack({ ...geometryUniforms(geometry), R, L, total, chunk, tilesN });
  // no products (an empty batch or output): one chunk of nothing writes the zeros
  if (parts === 1) {
    be.dispatch(program, [dy, x], [out], uniforms, [blocks, 1, groups]);
    return [out];
  }
  const partials = be.output('conv2dWeightGradGemm', [parts, size], dy.dtype);
  be.dispatch(program, [dy, x], [partials], uniforms, [blocks, parts, groups]);
  be.dispatch(
    SUM_PARTIALS,
    [partials],
    [out],
    SUM_PARAMS.pack({ size, parts }),
    linearGroups(size),
  );
  be.release(partials.storage);
  return [out];
});
