import type { KernelTensor } from '../backend.js';
import { linearGroups, linearProgram, registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { type GpuProgram } from '../webgpu/pipeline-cache.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';

/**
 * C = op(A)·op(B) per batch, on WebGPU. A workgroup of 16×16 threads computes
 * a 64×64 block of C; each thread keeps a 4×4 block of accumulators in
 * registers. K is walked in steps of 16: the 64×16 slice of A and the 16×64
 * slice of B are staged in workgroup memory (k-major, as vec4s), so a thread
 * reads 2 vec4s from shared memory per 16 multiply-adds. Transposed operands
 * only change how the tiles are loaded (the transpose is never
 * materialised); the k loop of the last tile stops at K and the M, N edges
 * are masked on store, so any M, N, K work. Batch index is the z workgroup; a batch length of 1 broadcasts
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
 * WGSL loading one 64×16 tile of A into `As` (k-major: As[k·16 + m/4][m%4])
 * or a 16×64 tile of B into `Bs` (Bs[k·16 + n/4][n%4]): 256 threads load 4
 * elements each, 4 neighbours along whichever axis is contiguous in memory
 * (stored as one vec4 along the 64 axis, as 4 components along k). Nothing is
 * bounds-checked: elements past M, N or K come from WebGPU's robust buffer
 * access (some in-bounds value or 0) and only reach outputs that are never
 * stored or k steps that are never summed (the k loop stops at K). Indices
 * into vectors are constants: dynamic indexing makes some compilers spill to
 * memory.
 */
function loadTile(
  tile: 'As' | 'Bs',
  arr: 'a' | 'b',
  alongTile: boolean,
  origin: string,
  index: (i: string, k: string) => string,
  off: string,
): string {
  if (alongTile) {
    return `{
      let k = t / 16u;
      let q = t % 16u;
      let base = ${off} + ${index(`(${origin} + q * 4u)`, '(k0 + k)')};
      ${tile}[k * 16u + q] = vec4<f32>(${arr}[base], ${arr}[base + 1u], ${arr}[base + 2u], ${arr}[base + 3u]);
    }`;
  }
  return `{
      let i = t / 4u;
      let kb = (t % 4u) * 4u;
      let base = ${off} + ${index(`(${origin} + i)`, '(k0 + kb)')};
      ${[0, 1, 2, 3].map((j) => `${tile}[(kb + ${j}u) * 16u + i / 4u][i % 4u] = ${arr}[base + ${j}u];`).join('\n      ')}
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

fn store(cOff: u32, m: u32, n: u32, v: vec4<f32>) {
  if (m >= P.M) { return; }
  let base = cOff + m * P.N + n;
  if (n + 3u < P.N) {
    c[base] = v.x;
    c[base + 1u] = v.y;
    c[base + 2u] = v.z;
    c[base + 3u] = v.w;
    return;
  }
  if (n < P.N) { c[base] = v.x; }
  if (n + 1u < P.N) { c[base + 1u] = v.y; }
  if (n + 2u < P.N) { c[base + 2u] = v.z; }
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let row0 = (wid.x / P.tilesN) * ${TILE}u;
  let col0 = (wid.x % P.tilesN) * ${TILE}u;
  let aOff = wid.z * P.aBatch;
  let bOff = wid.z * P.bBatch;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < P.K; k0 = k0 + ${TK}u) {
    ${loadTile('As', 'a', tA, 'row0', (m, k) => aIndex(tA, m, k), 'aOff')}
    ${loadTile('Bs', 'b', !tB, 'col0', (n, k) => bIndex(tB, k, n), 'bOff')}
    workgroupBarrier();
    // the bound comes from a uniform, so the loop is not unrolled: unrolling it
    // made lavapipe's shader compile take 5x longer and ran no faster
    let kn = min(${TK}u, P.K - k0);
    for (var k = 0u; k < kn; k = k + 1u) {
      let av = As[k * 16u + lid.y];
      let bv = Bs[k * 16u + lid.x];
      acc0 = acc0 + av.x * bv;
      acc1 = acc1 + av.y * bv;
      acc2 = acc2 + av.z * bv;
      acc3 = acc3 + av.w * bv;
    }
    workgroupBarrier();
  }
  let cOff = wid.z * P.M * P.N;
  let m = row0 + lid.y * 4u;
  let n = col0 + lid.x * 4u;
  store(cOff, m, n, acc0);
  store(cOff, m + 1u, n, acc1);
  store(cOff, m + 2u, n, acc2);
  store(cOff, m + 3u, n, acc3);
}
`,
  };
}

function naiveProgram(tA: boolean, tB: boolean): GpuProgram {
  return linearProgram(`matmul/naive/${tA}/${tB}`, () => ({
    inputs: ['f32', 'f32'],
    outputs: ['f32'],
    params: PARAMS,
    body: `
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
  out0[i] = acc;`,
  }));
}

/** Products with fewer outputs per batch than this run one thread per output. */
const NAIVE_MAX_OUTPUTS = 2048;

// reads the operands' shapes and attributes exactly as the CPU kernel in
// matmul.ts does: the two kernels implement one contract side by side
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
    return [
      {
        storage: be.upload(new Float32Array(B * M * N), 'float32'),
        shape: [B, M, N],
        dtype: a.dtype,
      },
    ];
  }
  const aBatch = Ba === 1 ? 0 : M * K;
  const bBatch = Bb === 1 ? 0 : K * N;
  if (M * N < NAIVE_MAX_OUTPUTS || B > 65535) {
    be.dispatch(
      naiveProgram(tA, tB),
      [a, b],
      [out],
      PARAMS.pack({ M, N, K, aBatch, bBatch, tilesN: B }),
      linearGroups(B * M * N),
    );
    return [out];
  }
  const tilesN = Math.ceil(N / TILE);
  const tiles = Math.ceil(M / TILE) * tilesN;
  be.dispatch(
    tiledProgram(tA, tB),
    [a, b],
    [out],
    PARAMS.pack({ M, N, K, aBatch, bBatch, tilesN }),
    [tiles, 1, B],
  );
  return [out];
});
