import type { KernelTensor } from '../backend.js';
import { linearGroups, linearMain, registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { bindingDecls, type GpuProgram } from '../webgpu/pipeline-cache.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';

/**
 * C = op(A)·op(B) per batch, on WebGPU. A workgroup of 16×16 threads computes
 * a 64×64 block of C; each thread keeps a 4×4 block of accumulators in
 * registers. K is walked in steps of 16: the 64×16 slice of A and the 16×64
 * slice of B are staged in workgroup memory (k-major, as vec4s), so a thread
 * reads 2 vec4s from shared memory per 16 multiply-adds. Transposed operands
 * only change how the tiles are loaded (the transpose is never
 * materialised); edges are zero-padded on load and masked on store, so any
 * M, N, K work. Batch index is the z workgroup; a batch length of 1 broadcasts
 * (batch stride 0). Small products use one thread per output instead.
 */
const PARAMS = new UniformLayout([
  ['M', 'u32'],
  ['N', 'u32'],
  ['K', 'u32'],
  ['aBatch', 'u32'],
  ['bBatch', 'u32'],
  ['tilesN', 'u32'],
]);

const TILE = 64;
const TK = 16;

/** WGSL index of A(m, k) / B(k, n) within a batch for each layout. */
function aIndex(tA: boolean, m: string, k: string): string {
  return tA ? `${k} * P.M + ${m}` : `${m} * P.K + ${k}`;
}
function bIndex(tB: boolean, k: string, n: string): string {
  return tB ? `${n} * P.K + ${k}` : `${k} * P.N + ${n}`;
}

/**
 * Loading a 64×16 tile of A into `As` (k-major: As[k·16 + m/4][m%4]). When m
 * is contiguous in memory (A transposed) a thread loads 4 neighbouring m as
 * one vec4; otherwise 4 neighbouring k.
 */
function loadA(tA: boolean): string {
  if (tA) {
    return `{
      let k = t / 16u;
      let mq = t % 16u;
      let gk = k0 + k;
      var v = vec4<f32>(0.0);
      for (var c = 0u; c < 4u; c = c + 1u) {
        let gm = row0 + mq * 4u + c;
        if (gm < P.M && gk < P.K) { v[c] = a[aOff + ${aIndex(true, 'gm', 'gk')}]; }
      }
      As[k * 16u + mq] = v;
    }`;
  }
  return `{
      let m = t / 4u;
      let gm = row0 + m;
      for (var c = 0u; c < 4u; c = c + 1u) {
        let k = (t % 4u) * 4u + c;
        let gk = k0 + k;
        var v = 0.0;
        if (gm < P.M && gk < P.K) { v = a[aOff + ${aIndex(false, 'gm', 'gk')}]; }
        As[k * 16u + m / 4u][m % 4u] = v;
      }
    }`;
}

/** Loading a 16×64 tile of B into `Bs` (Bs[k·16 + n/4][n%4]). */
function loadB(tB: boolean): string {
  if (!tB) {
    return `{
      let k = t / 16u;
      let nq = t % 16u;
      let gk = k0 + k;
      var v = vec4<f32>(0.0);
      for (var c = 0u; c < 4u; c = c + 1u) {
        let gn = col0 + nq * 4u + c;
        if (gn < P.N && gk < P.K) { v[c] = b[bOff + ${bIndex(false, 'gk', 'gn')}]; }
      }
      Bs[k * 16u + nq] = v;
    }`;
  }
  return `{
      let n = t / 4u;
      let gn = col0 + n;
      for (var c = 0u; c < 4u; c = c + 1u) {
        let k = (t % 4u) * 4u + c;
        let gk = k0 + k;
        var v = 0.0;
        if (gn < P.N && gk < P.K) { v = b[bOff + ${bIndex(true, 'gk', 'gn')}]; }
        Bs[k * 16u + n / 4u][n % 4u] = v;
      }
    }`;
}

function tiledProgram(tA: boolean, tB: boolean): GpuProgram {
  return {
    key: `matmul/tiled/${tA}/${tB}`,
    inputs: 2,
    outputs: 1,
    source: () => `${PARAMS.wgsl}
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;
var<workgroup> As: array<vec4<f32>, ${(TILE * TK) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(TILE * TK) / 4}>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let row0 = (wid.x / P.tilesN) * ${TILE}u;
  let col0 = (wid.x % P.tilesN) * ${TILE}u;
  let aOff = wid.z * P.aBatch;
  let bOff = wid.z * P.bBatch;
  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < P.K; k0 = k0 + ${TK}u) {
    ${loadA(tA)}
    ${loadB(tB)}
    workgroupBarrier();
    for (var k = 0u; k < ${TK}u; k = k + 1u) {
      let av = As[k * 16u + lid.y];
      let bv = Bs[k * 16u + lid.x];
      acc[0] = acc[0] + av.x * bv;
      acc[1] = acc[1] + av.y * bv;
      acc[2] = acc[2] + av.z * bv;
      acc[3] = acc[3] + av.w * bv;
    }
    workgroupBarrier();
  }
  let cOff = wid.z * P.M * P.N;
  for (var i = 0u; i < 4u; i = i + 1u) {
    let m = row0 + lid.y * 4u + i;
    if (m >= P.M) { break; }
    for (var j = 0u; j < 4u; j = j + 1u) {
      let n = col0 + lid.x * 4u + j;
      if (n < P.N) { c[cOff + m * P.N + n] = acc[i][j]; }
    }
  }
}
`,
  };
}

function naiveProgram(tA: boolean, tB: boolean): GpuProgram {
  return {
    key: `matmul/naive/${tA}/${tB}`,
    inputs: 2,
    outputs: 1,
    source: () =>
      bindingDecls(['f32', 'f32'], ['f32'], PARAMS.wgsl) +
      linearMain(`
  let mn = P.M * P.N;
  let batch = i / max(mn, 1u);
  if (i >= mn * P.tilesN) { return; }
  let r = i % mn;
  let m = r / P.N;
  let n = r % P.N;
  let aOff = batch * P.aBatch;
  let bOff = batch * P.bBatch;
  var acc = 0.0;
  for (var k = 0u; k < P.K; k = k + 1u) { acc = acc + in0[aOff + ${aIndex(tA, 'm', 'k')}] * in1[bOff + ${bIndex(tB, 'k', 'n')}]; }
  out0[i] = acc;`),
  };
}

/** Products with fewer outputs per batch than this run one thread per output. */
const NAIVE_MAX_OUTPUTS = 2048;

registerGpuKernel('matmul', (inputs, attrs, be) => {
  const [a, b] = inputs as [KernelTensor, KernelTensor];
  const tA = attrs.transposeA as boolean;
  const tB = attrs.transposeB as boolean;
  const M = tA ? a.shape[2]! : a.shape[1]!;
  const K = tA ? a.shape[1]! : a.shape[2]!;
  const N = tB ? b.shape[1]! : b.shape[2]!;
  const Ba = a.shape[0]!;
  const Bb = b.shape[0]!;
  const B = Math.max(Ba, Bb);
  const out = be.output('matmul', [B, M, N], a.dtype);
  if (B * M * N === 0) return [out];
  if (K === 0) {
    be.release(out.storage);
    return [{ storage: be.upload(new Float32Array(B * M * N), 'float32'), shape: [B, M, N], dtype: a.dtype }];
  }
  const aBatch = Ba === 1 ? 0 : M * K;
  const bBatch = Bb === 1 ? 0 : K * N;
  if (M * N < NAIVE_MAX_OUTPUTS || B > 65535) {
    be.dispatch(naiveProgram(tA, tB), [a, b], [out], PARAMS.pack({ M, N, K, aBatch, bBatch, tilesN: B }), linearGroups(B * M * N));
    return [out];
  }
  const tilesN = Math.ceil(N / TILE);
  const tiles = Math.ceil(M / TILE) * tilesN;
  be.dispatch(tiledProgram(tA, tB), [a, b], [out], PARAMS.pack({ M, N, K, aBatch, bBatch, tilesN }), [tiles, 1, B]);
  return [out];
});
