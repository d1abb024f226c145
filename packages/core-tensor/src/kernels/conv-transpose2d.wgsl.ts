import type { KernelTensor } from '../backend.js';
import { registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { bindingDecls, type GpuProgram } from '../webgpu/pipeline-cache.js';
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

// The transposed convolution as an implicit GEMM on WebGPU: `convTranspose2dGemm`,
// [dy [N, Co, oh, ow], w [Co, Cg, kh, kw], bias [Cg·groups]?] → dx [N, Cg·groups, H, W] with
//   dx[n, g·Cg + ci, iy, ix] = Σ_{co, ky, kx} w[g·Cog + co, ci, ky, kx] · dy[n, g·Cog + co, oy, ox]
//   over the taps with iy + ph − ky·dh = oy·sh, ix + pw − kx·dw = ox·sw, 0 ≤ oy < oh, 0 ≤ ox < ow
// (+ bias): the gradient of conv2d with respect to its input, and ConvTranspose2d's forward (its
// input playing dy). H and W are attributes, so pixels no window reaches (when the conv's
// H + 2p − d(k − 1) − 1 is not a multiple of the stride, or the transpose's output padding) get 0.
//
// With stride s only one tap in s along each axis lands on a given pixel, so the pixels are split
// into the sh·sw phases (iy mod sh, ix mod sw): within a phase the taps that land are the same for
// every pixel (ky ≡ ky0 modulo sh/gcd(sh, dh)), and each phase is a dense product
//   dX_phase[ci, q] = Σ_r A[ci, r] · B[r, q],   r = (co, jy, jx) over the phase's taps only,
// so no multiply-add is spent on the zeros a col2im of Wᵀ·dy would scatter. Workgroups:
// x = 64×64 blocks of (ci, q), y = phase, z = sample·groups + group.

const PARAMS = convLayout([
  ['ty', 'u32'],
  ['tx', 'u32'],
  ['tilesN', 'u32'],
]);

function program(key: string, tile: ConvTile, bias: boolean): GpuProgram {
  return {
    key,
    inputs: bias ? 3 : 2,
    outputs: 1,
    source: () =>
      bindingDecls(bias ? ['f32', 'f32', 'f32'] : ['f32', 'f32'], ['f32'], PARAMS.wgsl) +
      tilesDecl(tile) +
      `
/** The taps of one phase along an axis: first tap k0, count, step. */
struct Taps { k0: u32, count: u32, step: u32 }

/** Taps k < size with (phase + pad − k·dil) ≡ 0 (mod stride): k0 + j·step for j < count. */
fn phaseTaps(phase: u32, pad: i32, dil: u32, stride: u32, size: u32, step: u32) -> Taps {
  for (var k = 0u; k < min(size, step); k = k + 1u) {
    if ((i32(phase) + pad - i32(k * dil)) % i32(stride) == 0) {
      return Taps(k, (size - k + step - 1u) / step, step);
    }
  }
  return Taps(0u, 0u, step);
}

/** Tap r = (co, jy, jx) of a phase: its place in w (channel ci = 0) and its (ky·dh, kx·dw). */
struct Tap { ok: bool, w: u32, co: u32, dy: i32, dx: i32 }

fn tapOf(g: u32, r: u32, ty: Taps, tx: Taps, K: u32) -> Tap {
  let per = ty.count * tx.count;
  let co = r / per;
  let j = r % per;
  let ky = ty.k0 + (j / tx.count) * ty.step;
  let kx = tx.k0 + (j % tx.count) * tx.step;
  return Tap(r < K, ((g * P.Cog + co) * P.Cg * P.kh + ky) * P.kw + kx, co, i32(ky * P.dh), i32(kx * P.dw));
}

/**
 * The taps of the current stage, decoded once by the first tk threads: (w offset or −1 past
 * K, offset of dy's channel plane, ky·dh, kx·dw), so loading an element divides nothing.
 */
var<workgroup> stageTaps: array<vec4<i32>, ${tile.tk}>;

fn tableEntry(tap: Tap) -> vec4<i32> {
  return vec4<i32>(select(-1, i32(tap.w), tap.ok), i32(tap.co * P.oh * P.ow), tap.dy, tap.dx);
}

/** A[ci, r] = w[g·Cog + co, ci, ky, kx] (0 out of range). */
fn weightAt(tap: vec4<i32>, ci: u32) -> f32 {
  if (tap.x < 0 || ci >= P.Cg) { return 0.0; }
  return in1[u32(tap.x) + ci * P.kh * P.kw];
}

/** B[r, q] = dy[n, g·Cog + co, oy, ox] for the pixel with (iy + ph, ix + pw) = (py, px) (0 where no window lands); plane = dy's (n, g·Cog) offset. */
fn gradAt(plane: u32, tap: vec4<i32>, inQ: bool, py: i32, px: i32) -> f32 {
  let ny = py - tap.z;
  let nx = px - tap.w;
  if (tap.x < 0 || !inQ || ny < 0 || nx < 0) { return 0.0; }
  // (stride 1 skips the divisions: lavapipe runs integer division one lane at a time)
  var oy = u32(ny);
  var ox = u32(nx);
  if (P.sh != 1u) { oy = oy / P.sh; }
  if (P.sw != 1u) { ox = ox / P.sw; }
  if (oy >= P.oh || ox >= P.ow) { return 0.0; }
  return in0[plane + u32(tap.y) + oy * P.ow + ox];
}

fn store(n: u32, g: u32, ci: u32, q: u32, a: u32, b: u32, wb: u32, np: u32, v: vec4<f32>) {
  if (ci >= P.Cg) { return; }
  let c = g * P.Cg + ci;
  let base = (n * P.C + c) * P.H * P.W;
  ${bias ? 'let bv = in2[c];' : 'let bv = 0.0;'}
  let vs = array<f32, 4>(v.x, v.y, v.z, v.w);
  for (var j = 0u; j < 4u; j = j + 1u) {
    let p = q + j;
    if (p < np) { out0[base + (a + (p / wb) * P.sh) * P.W + b + (p % wb) * P.sw] = vs[j] + bv; }
  }
}

@compute ${tileWorkgroup(tile)}
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let n = wid.z / P.groups;
  let g = wid.z % P.groups;
  let a = wid.y / P.sw;
  let b = wid.y % P.sw;
  if (a >= P.H || b >= P.W) { return; }
  let wb = (P.W - b + P.sw - 1u) / P.sw;
  let np = ((P.H - a + P.sh - 1u) / P.sh) * wb;
  let row0 = (wid.x / P.tilesN) * ${tile.tm}u;
  let col0 = (wid.x % P.tilesN) * ${tile.tn}u;
  if (col0 >= np) { return; }
  let ty = phaseTaps(a, P.ph, P.dh, P.sh, P.kh, P.ty);
  let tx = phaseTaps(b, P.pw, P.dw, P.sw, P.kw, P.tx);
  let K = P.Cog * ty.count * tx.count;
  ${ACCUMULATORS}
  let plane = (n * P.Co + g * P.Cog) * P.oh * P.ow;
  for (var k0 = 0u; k0 < K; k0 = k0 + ${tile.tk}u) {
    if (t < ${tile.tk}u) { stageTaps[t] = tableEntry(tapOf(g, k0 + t, ty, tx, K)); }
    workgroupBarrier();
    ${loadTiles(
      tile,
      {
        setup: (k) => `let tap = stageTaps[${k} - k0];`,
        at: (m) => `weightAt(tap, row0 + ${m})`,
      },
      {
        // the pixel q whose column of B is loaded: (iy + ph, ix + pw)
        setup: (q) =>
          `let inQ = ${q} < np; let py = i32(a + (${q} / wb) * P.sh) + P.ph; let px = i32(b + (${q} % wb) * P.sw) + P.pw;`,
        at: (k) => `gradAt(plane, stageTaps[${k} - k0], inQ, py, px)`,
      },
    )}
    ${tileProduct(tile, `min(${tile.tk}u, K - k0)`)}
  }
  let ci = row0 + lid.y * 4u;
  let q = col0 + lid.x * 4u;
  ${storeAccumulators('n, g, ', 'ci', 'q, a, b, wb, np')}
}
`,
  };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

registerGpuKernel('convTranspose2dGemm', (inputs, attrs, be) => {
  const [dy, w, bias] = inputs as [KernelTensor, KernelTensor, KernelTensor | undefined];
  const [N, Co, oh, ow] = dy.shape as [number, number, number, number];
  const [, Cg, kh, kw] = w.shape as [number, number, number, number];
  const [sh, sw] = attrs.stride as [number, number];
  const [ph, pw] = attrs.padding as [number, number];
  const [dh, dw] = attrs.dilation as [number, number];
  const [H, W] = attrs.outSize as [number, number];
  const groups = attrs.groups as number;
  const C = Cg * groups;
  const out = be.output('convTranspose2dGemm', [N, C, H, W], dy.dtype);
  if (N * C * H * W === 0) return [out];
  const pixels = Math.ceil(H / sh) * Math.ceil(W / sw);
  const tile = chooseTile(Cg, pixels);
  const tilesN = Math.ceil(pixels / tile.tn);
  const geometry = { N, C, H, W, Co, Cg, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, groups };
  const uniforms = PARAMS.pack({
    ...geometryUniforms(geometry),
    ty: sh / gcd(sh, dh),
    tx: sw / gcd(sw, dw),
    tilesN,
  });
  const key = `convTranspose2d/implicit-gemm/${tileKey(tile)}${bias ? '/bias' : ''}`;
  be.dispatch(
    convProgram(key, (k) => program(k, tile, bias !== undefined)),
    bias ? [dy, w, bias] : [dy, w],
    [out],
    uniforms,
    [Math.ceil(Cg / tile.tm) * tilesN, sh * sw, N * groups],
  );
  return [out];
});
