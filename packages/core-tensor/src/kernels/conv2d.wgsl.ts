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
  tapPixelFn,
  tileKey,
  tileProduct,
  tilesDecl,
  tileWorkgroup,
  type ConvTile,
} from './conv-gemm-tile.wgsl.js';

// conv2d as an implicit GEMM on WebGPU: `conv2dGemm`, [x [N, C, H, W], w [Co, C/g, kh, kw],
// bias [Co]?] → y [N, Co, oh, ow] (the op, its CPU kernel and gradient are defined by
// @webgrad/nn's conv2d-gemm.ts). Per sample n and group g it is the product
//   Y[co, l] = Σ_r W[co, r] · X̂[r, l] + bias[co],   r = (ci, ky, kx), l = (oy, ox),
//   X̂[r, l] = x[n, g·Cg + ci, oy·sh − ph + ky·dh, ox·sw − pw + kx·dw]  (0 outside the image),
// tiled as conv-gemm-tile.wgsl.ts describes. The columns X̂ are gathered from x while the tile
// is loaded and exist nowhere else: no unfolded [N, C·kh·kw, L] tensor is materialised. The
// attribute `outSize` [oh, ow] keeps only the first windows (gradients of transposed
// convolutions ask for that).

const PARAMS = convLayout([
  ['K', 'u32'],
  ['L', 'u32'],
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
      tapPixelFn(0) +
      `
/** W[co, r] of group g (0 past the group's channels or the taps). */
fn weightAt(g: u32, co: u32, r: u32) -> f32 {
  if (co >= P.Cog || r >= P.K) { return 0.0; }
  return in1[(g * P.Cog + co) * P.K + r];
}

/** X̂[r, l] of sample n, group g for the window l whose corner is (y0, x0) (0 past the taps or the windows). */
fn column(n: u32, g: u32, r: u32, inL: bool, y0: i32, x0: i32) -> f32 {
  if (r >= P.K || !inL) { return 0.0; }
  return tapPixel(n, g, r, y0, x0);
}

fn store(n: u32, g: u32, co: u32, l: u32, v: vec4<f32>) {
  if (co >= P.Cog) { return; }
  let oc = g * P.Cog + co;
  let base = (n * P.Co + oc) * P.L;
  let b = ${bias ? 'in2[oc]' : '0.0'};
  if (l < P.L) { out0[base + l] = v.x + b; }
  if (l + 1u < P.L) { out0[base + l + 1u] = v.y + b; }
  if (l + 2u < P.L) { out0[base + l + 2u] = v.z + b; }
  if (l + 3u < P.L) { out0[base + l + 3u] = v.w + b; }
}

@compute ${tileWorkgroup(tile)}
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let n = wid.z / P.groups;
  let g = wid.z % P.groups;
  let row0 = (wid.x / P.tilesN) * ${tile.tm}u;
  let col0 = (wid.x % P.tilesN) * ${tile.tn}u;
  ${ACCUMULATORS}
  for (var k0 = 0u; k0 < P.K; k0 = k0 + ${tile.tk}u) {
    ${loadTiles(
      tile,
      { at: (m, k) => `weightAt(g, row0 + ${m}, ${k})` },
      {
        // the window l whose column of X̂ is loaded: its corner (y0, x0)
        setup: (l) =>
          `let inL = ${l} < P.L; let y0 = i32((${l} / P.ow) * P.sh) - P.ph; let x0 = i32((${l} % P.ow) * P.sw) - P.pw;`,
        at: (k) => `column(n, g, ${k}, inL, y0, x0)`,
      },
    )}
    ${tileProduct(tile, `min(${tile.tk}u, P.K - k0)`)}
  }
  let co = row0 + lid.y * 4u;
  let l = col0 + lid.x * 4u;
  ${storeAccumulators('n, g, ', 'co', 'l')}
}
`,
  };
}

registerGpuKernel('conv2dGemm', (inputs, attrs, be) => {
  const [x, w, bias] = inputs as [KernelTensor, KernelTensor, KernelTensor | undefined];
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [Co, Cg, kh, kw] = w.shape as [number, number, number, number];
  const [sh, sw] = attrs.stride as [number, number];
  const [ph, pw] = attrs.padding as [number, number];
  const [dh, dw] = attrs.dilation as [number, number];
  const groups = attrs.groups as number;
  const [oh, ow] = (attrs.outSize as [number, number] | undefined) ?? [
    Math.floor((H + 2 * ph - dh * (kh - 1) - 1) / sh) + 1,
    Math.floor((W + 2 * pw - dw * (kw - 1) - 1) / sw) + 1,
  ];
  const out = be.output('conv2dGemm', [N, Co, oh, ow], x.dtype);
  const L = oh * ow;
  if (N * Co * L === 0) return [out];
  const tile = chooseTile(Co / groups, L);
  const tilesN = Math.ceil(L / tile.tn);
  const geometry = { N, C, H, W, Co, Cg, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, groups };
  const uniforms = PARAMS.pack({ ...geometryUniforms(geometry), K: Cg * kh * kw, L, tilesN });
  const key = `conv2d/implicit-gemm/${tileKey(tile)}${bias ? '/bias' : ''}`;
  be.dispatch(
    convProgram(key, (k) => program(k, tile, bias !== undefined)),
    bias ? [x, w, bias] : [x, w],
    [out],
    uniforms,
    [Math.ceil(Co / groups / tile.tm) * tilesN, 1, N * groups],
  );
  return [out];
});
