import type { KernelTensor } from '../backend.js';
import { registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { bindingDecls, type GpuProgram } from '../webgpu/pipeline-cache.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';
import { tileProduct } from './matmul.wgsl.js';

// conv2d as an implicit GEMM on WebGPU: `conv2dGemm`, [x [N, C, H, W], w [Co, C/g, kh, kw],
// bias [Co]] → y [N, Co, oh, ow] (the op, its CPU kernel and gradient are defined by
// @webgrad/nn's conv2d-gemm.ts). Per sample n and group g it is the product
//   Y[co, l] = Σ_r W[co, r] · X̂[r, l] + bias[co],   r = (ci, ky, kx), l = (oy, ox),
//   X̂[r, l] = x[n, g·Cg + ci, oy·sh − ph + ky·dh, ox·sw − pw + kx·dw]  (0 outside the image),
// computed like the tiled matmul: a 16×16 workgroup owns a 64×64 block of Y, 4×4 outputs per
// thread in registers, and walks r in steps of 16 through workgroup memory. The columns X̂
// are gathered from x while the tile is loaded and exist nowhere else: no unfolded
// [N, C·kh·kw, L] tensor is materialised.

const PARAMS = new UniformLayout([
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
  ['ow', 'u32'],
  ['K', 'u32'],
  ['L', 'u32'],
  ['tilesN', 'u32'],
  ['groups', 'u32'],
]);

const TILE = 64;
const TK = 16;

const forwardProgram: GpuProgram = {
  key: 'conv2d/implicit-gemm',
  inputs: 3,
  outputs: 1,
  source: () =>
    bindingDecls(['f32', 'f32', 'f32'], ['f32'], PARAMS.wgsl) +
    `
var<workgroup> As: array<vec4<f32>, ${(TILE * TK) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(TILE * TK) / 4}>;

/** X̂[r, l] of sample n, group g: the input pixel under tap r of window l, or 0 in the padding. */
fn column(n: u32, g: u32, r: u32, l: u32) -> f32 {
  if (r >= P.K || l >= P.L) { return 0.0; }
  let taps = P.kh * P.kw;
  let ci = r / taps;
  let t = r % taps;
  let iy = i32((l / P.ow) * P.sh + (t / P.kw) * P.dh) - P.ph;
  let ix = i32((l % P.ow) * P.sw + (t % P.kw) * P.dw) - P.pw;
  if (iy < 0 || ix < 0 || iy >= i32(P.H) || ix >= i32(P.W)) { return 0.0; }
  return in0[((n * P.C + g * P.Cg + ci) * P.H + u32(iy)) * P.W + u32(ix)];
}

fn store(n: u32, g: u32, co: u32, l: u32, v: vec4<f32>) {
  if (co >= P.Cog) { return; }
  let oc = g * P.Cog + co;
  let base = (n * P.Co + oc) * P.L;
  let b = in2[oc];
  if (l < P.L) { out0[base + l] = v.x + b; }
  if (l + 1u < P.L) { out0[base + l + 1u] = v.y + b; }
  if (l + 2u < P.L) { out0[base + l + 2u] = v.z + b; }
  if (l + 3u < P.L) { out0[base + l + 3u] = v.w + b; }
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let n = wid.z / P.groups;
  let g = wid.z % P.groups;
  let row0 = (wid.x / P.tilesN) * ${TILE}u;
  let col0 = (wid.x % P.tilesN) * ${TILE}u;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < P.K; k0 = k0 + ${TK}u) {
    {
      // weights: 64 output channels × 16 taps, 4 consecutive taps per thread (contiguous in w)
      let i = t / 4u;
      let kb = (t % 4u) * 4u;
      let co = row0 + i;
      for (var j = 0u; j < 4u; j = j + 1u) {
        let r = k0 + kb + j;
        var v = 0.0;
        if (co < P.Cog && r < P.K) { v = in1[(g * P.Cog + co) * P.K + r]; }
        As[(kb + j) * 16u + i / 4u][i % 4u] = v;
      }
    }
    {
      // columns: 16 taps × 64 windows, 4 neighbouring windows per thread
      let kr = t / 16u;
      let q = t % 16u;
      let r = k0 + kr;
      let l = col0 + q * 4u;
      Bs[kr * 16u + q] = vec4<f32>(column(n, g, r, l), column(n, g, r, l + 1u), column(n, g, r, l + 2u), column(n, g, r, l + 3u));
    }
    ${tileProduct(TK)}
  }
  let co = row0 + lid.y * 4u;
  let l = col0 + lid.x * 4u;
  store(n, g, co, l, acc0);
  store(n, g, co + 1u, l, acc1);
  store(n, g, co + 2u, l, acc2);
  store(n, g, co + 3u, l, acc3);
}
`,
};

registerGpuKernel('conv2dGemm', (inputs, attrs, be) => {
  const [x, w, bias] = inputs as [KernelTensor, KernelTensor, KernelTensor];
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [Co, Cg, kh, kw] = w.shape as [number, number, number, number];
  const [sh, sw] = attrs.stride as [number, number];
  const [ph, pw] = attrs.padding as [number, number];
  const [dh, dw] = attrs.dilation as [number, number];
  const groups = attrs.groups as number;
  const oh = Math.floor((H + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((W + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  const out = be.output('conv2dGemm', [N, Co, oh, ow], x.dtype);
  const L = oh * ow;
  const Cog = Co / groups;
  if (N * Co * L === 0) return [out];
  const tilesN = Math.ceil(L / TILE);
  const uniforms = PARAMS.pack({
    C,
    H,
    W,
    Co,
    Cg,
    Cog,
    kh,
    kw,
    sh,
    sw,
    ph,
    pw,
    dh,
    dw,
    ow,
    K: Cg * kh * kw,
    L,
    tilesN,
    groups,
  });
  be.dispatch(forwardProgram, [x, w, bias], [out], uniforms, [
    Math.ceil(Cog / TILE) * tilesN,
    1,
    N * groups,
  ]);
  return [out];
});
