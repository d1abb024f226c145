import type { KernelAttrs, KernelTensor } from '../backend.js';
import { findBackend } from '../engine.js';
import { unaryOpDef } from '../elementwise-table.js';
import { ArgumentError, BackendError } from '../errors.js';
import { linearGroups, linearProgram, registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { type GpuProgram } from '../webgpu/pipeline-cache.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';
import type { WebGpuBackend } from '../webgpu/webgpu-backend.js';

/**
 * C = op(A)·op(B) per batch, on WebGPU, with two kernels for large products:
 * the tiled one described here (GPUs) and the subgroup one of
 * `subgroupProgram` (adapters that run shaders on the CPU; `kernelFor`
 * chooses). In the tiled kernel a workgroup of 16×16 threads computes
 * a 64×64 block of C; each thread keeps a 4×4 block of accumulators in
 * registers. K is walked in steps of TK = 64 (32 on devices with 16 KiB of
 * workgroup memory): the 64×TK slice of A and the TK×64 slice of B are staged in workgroup memory (k-major, as vec4s), so a
 * thread reads 2 vec4s from shared memory per 16 multiply-adds. Transposed operands
 * only change how the tiles are loaded (the transpose is never
 * materialised); the k loop of the last tile stops at K and the M, N edges
 * are masked on store, so any M, N, K work. Batch index is the z workgroup; a batch length of 1 broadcasts
 * (batch stride 0). Small products use one thread per output instead.
 *
 * `matmulBiasAct` is the same kernels with an epilogue on the store: C =
 * act(op(A)·op(B) + bias), bias [N] added along the rows, act one of the
 * elementwise table's relu / gelu (erf) / tanh / sigmoid formulas (the same
 * WGSL the elementwise kernels run), so a Linear layer's product, bias and
 * activation are one dispatch.
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
/**
 * k steps per shared-memory tile: 64 where the device gives a workgroup 32 KiB
 * (two 64×64 float tiles), else 32. Deep tiles mean few barriers, which
 * lavapipe pays dearly (it runs a workgroup's invocations in turn between
 * barriers): 1024² products took 14.0 s with 16, 10.2 s with 32 and 7.1 s
 * with 64 on the loaded CI machine.
 */
function tileDepth(be: WebGpuBackend): number {
  return be.device.limits.maxComputeWorkgroupStorageSize >= 2 * TILE * 64 * 4 ? 64 : 32;
}

/**
 * WGSL of one k step of the 64×64 register-tiled product, after the loads of
 * `As` (64×depth, k-major vec4s) and `Bs` (depth×64): wait for the tiles, add the
 * thread's 4×4 block (`acc0..acc3`, rows lid.y·4.., columns lid.x·4..) and
 * wait again.
 */
function tileProduct(depth: number): string {
  return `workgroupBarrier();
    // the bound comes from a uniform, so the loop is not unrolled: unrolling it
    // made lavapipe's shader compile take 5x longer and ran no faster
    let kn = min(${depth}u, P.K - k0);
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

/** WGSL index of A(m, k) / B(k, n) within a batch for each layout. */
function aIndex(tA: boolean, m: string, k: string): string {
  return tA ? `${k} * P.M + ${m}` : `${m} * P.K + ${k}`;
}
function bIndex(tB: boolean, k: string, n: string): string {
  return tB ? `${n} * P.K + ${k}` : `${k} * P.N + ${n}`;
}

/**
 * WGSL loading one 64×TK tile of A into `As` (k-major: As[k·16 + m/4][m%4])
 * or a TK×64 tile of B into `Bs` (Bs[k·16 + n/4][n%4]), in slices of 16 k
 * steps: per slice 256 threads load 4 elements each, 4 neighbours along whichever axis is contiguous in memory
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
  depth: number,
): string {
  // depth / 16 slices of 16 k steps each; slice s fills k in [16s, 16s + 16)
  return Array.from({ length: depth / 16 }, (_, s) =>
    loadSlice(tile, arr, alongTile, origin, index, off, s),
  ).join('\n    ');
}

function loadSlice(
  tile: 'As' | 'Bs',
  arr: 'a' | 'b',
  alongTile: boolean,
  origin: string,
  index: (i: string, k: string) => string,
  off: string,
  s: number,
): string {
  const k0 = s === 0 ? 'k0' : `k0 + ${16 * s}u`;
  const at = s === 0 ? '' : `${256 * s}u + `;
  if (alongTile) {
    return `{
      let k = t / 16u;
      let q = t % 16u;
      let base = ${off} + ${index(`(${origin} + q * 4u)`, `(${k0} + k)`)};
      ${tile}[${at}k * 16u + q] = vec4<f32>(${arr}[base], ${arr}[base + 1u], ${arr}[base + 2u], ${arr}[base + 3u]);
    }`;
  }
  return `{
      let i = t / 4u;
      let kb = (t % 4u) * 4u;
      let base = ${off} + ${index(`(${origin} + i)`, `(${k0} + kb)`)};
      ${[0, 1, 2, 3].map((j) => `${tile}[${at}(kb + ${j}u) * 16u + i / 4u][i % 4u] = ${arr}[base + ${j}u];`).join('\n      ')}
    }`;
}

/** The activations of the `matmulBiasAct` epilogue. */
export const MATMUL_ACTIVATIONS = ['none', 'relu', 'gelu', 'tanh', 'sigmoid'] as const;

/** An activation of the `matmulBiasAct` epilogue. */
export type MatmulActivation = (typeof MATMUL_ACTIVATIONS)[number];

/** What is applied to each output on the store: nothing, or + bias[n] then an activation. */
interface Epilogue {
  readonly bias: boolean;
  readonly act: MatmulActivation;
}

const PLAIN: Epilogue = { bias: false, act: 'none' };

/** WGSL `epi(x, n)`: the epilogue of one output in column n. */
function epilogueFn(e: Epilogue): string {
  const def = e.act === 'none' ? null : unaryOpDef(e.act)!;
  // a = 0 selects gelu's exact (erf) form; b is unused by these formulas
  return `
fn act(x: f32) -> f32 { let a = 0.0; let b = 0.0; return ${def ? def.wgsl : 'x'}; }
fn epi(x: f32, n: u32) -> f32 { return act(x${e.bias ? ' + bias[n]' : ''}); }
`;
}

function epilogueKey(e: Epilogue): string {
  return e.bias || e.act !== 'none' ? `/bias-${e.act}` : '';
}

/**
 * The uniform block and bindings of a large-product kernel: A and B (declared
 * as `aDecl`, `bDecl`), the bias with the epilogue's functions when fused,
 * then C and the uniforms.
 */
function bindings(aDecl: string, bDecl: string, e: Epilogue): string {
  const fused = e !== PLAIN;
  return `${PARAMS.wgsl}
@group(0) @binding(0) var<storage, read> ${aDecl};
@group(0) @binding(1) var<storage, read> ${bDecl};
${
  fused
    ? `@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;
${epilogueFn(e)}`
    : `@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;`
}`;
}

/** WGSL `store(cOff, m, n, acc)`: C(m, n..n+3) = acc (through the epilogue when fused), masked at the M and N edges. */
function storeFn(fused: boolean): string {
  return `fn store(cOff: u32, m: u32, n: u32, acc: vec4<f32>) {
  if (m >= P.M) { return; }
  ${fused ? 'let v = vec4<f32>(epi(acc.x, n), epi(acc.y, min(n + 1u, P.N - 1u)), epi(acc.z, min(n + 2u, P.N - 1u)), epi(acc.w, min(n + 3u, P.N - 1u)));' : 'let v = acc;'}
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
}`;
}

function tiledProgram(tA: boolean, tB: boolean, e: Epilogue, depth: number): GpuProgram {
  const fused = e !== PLAIN;
  return {
    key: `matmul/tiled/${tA}/${tB}/k${depth}${epilogueKey(e)}`,
    inputs: fused ? 3 : 2,
    outputs: 1,
    source: () => `${bindings('a: array<f32>', 'b: array<f32>', e)}
var<workgroup> As: array<vec4<f32>, ${(TILE * depth) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(TILE * depth) / 4}>;

${storeFn(fused)}

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
  for (var k0 = 0u; k0 < P.K; k0 = k0 + ${depth}u) {
    ${loadTile('As', 'a', tA, 'row0', (m, k) => aIndex(tA, m, k), 'aOff', depth)}
    ${loadTile('Bs', 'b', !tB, 'col0', (n, k) => bIndex(tB, k, n), 'bOff', depth)}
    ${tileProduct(depth)}
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

/**
 * Block rows of a group in the subgroup kernel's workgroup order. On lavapipe
 * 2048² products ran about a quarter faster with groups of 8 than row by row
 * (1.3–1.9 s against 1.9–3.7 s, load 2–4), 1024² the same.
 */
const GROUP = 8;

/**
 * The subgroup kernel, for adapters that run shaders on the CPU (lavapipe):
 * a workgroup is one subgroup of S lanes (S = 8 on a 256-bit llvmpipe) and
 * computes a 2S×4S block of C; lane l owns columns 4l..4l+3 of the block and
 * all 2S rows. Per step of 4 k, each lane loads one 4-long k slice of A for
 * rows l and S + l and a 4×4 block of B for its columns; every lane gets the
 * A values of all 2S rows with `subgroupBroadcast` (a register shuffle) and
 * adds 2S × 4 × 4 products, summed per row in temporaries before they reach
 * the accumulators. No shared memory and no barriers.
 *
 * Why: llvmpipe runs the S lanes of a subgroup as one SIMD vector but
 * performs a storage-buffer (or shared-memory) load inside a loop one lane at
 * a time, with a bounds check and a branch per element (Mesa 25.0's
 * lp_bld_nir_soa.c takes its scalar fast path only outside control flow),
 * and runs a workgroup's subgroups one after another between barriers, so
 * the tiled kernel's cost is its loads (two vec4 per 16 multiply-adds per
 * thread) and its barriers. Here a lane loads 8 + 16 floats per 256
 * multiply-adds (S = 8), and a broadcast with a constant lane is a shuffle. Loads are vec4 where the
 * operand's contiguous axis is a multiple of 4 (`vecA`: A not transposed and
 * K % 4 = 0; `vecB`: B not transposed and N % 4 = 0, or B transposed and
 * K % 4 = 0). K % 4 trailing steps run one k at a time; rows past M and
 * columns past N load clamped indices and are not stored. Blocks are
 * numbered in groups of GROUP block rows (see there).
 */
function subgroupProgram(
  tA: boolean,
  tB: boolean,
  e: Epilogue,
  S: number,
  vecA: boolean,
  vecB: boolean,
): GpuProgram {
  const fused = e !== PLAIN;
  const R = 2 * S;
  const rowGroups = [0, 1];
  const lanes = Array.from({ length: S }, (_, l) => l);
  const cols = [0, 1, 2, 3];
  // A(row g, k) and B(k, column j) as WGSL expressions over the per-lane bases below
  const aAt = (g: number, k: string): string => (tA ? `a[ar${g} + (${k}) * P.M]` : `a[ar${g} + ${k}]`);
  const bAt = (k: string, j: number): string => (tB ? `b[bc${j} + ${k}]` : `b[bOff + (${k}) * P.N + bc${j}]`);
  const at = (k: string, u: number): string => (u === 0 ? k : `${k} + ${u}u`);
  // the 4-long k slices of A this lane loads, one per row group
  const aLoads = rowGroups.map((g) =>
    vecA
      ? `let av${g} = a4[(ar${g} + k) / 4u];`
      : `let av${g} = vec4<f32>(${cols.map((u) => aAt(g, at('k', u))).join(', ')});`,
  );
  // bu = B(k + u, columns n..n+3) as a vec4 over the lane's columns
  let bLoads: string[];
  if (vecB && !tB) {
    bLoads = cols.map((u) => `let b${u} = b4[(bOff + (${at('k', u)}) * P.N + nv) / 4u];`);
  } else if (vecB) {
    bLoads = [
      ...cols.map((j) => `let bk${j} = b4[(bc${j} + k) / 4u];`),
      ...cols.map((u) => `let b${u} = vec4<f32>(${cols.map((j) => `bk${j}[${u}]`).join(', ')});`),
    ];
  } else {
    bLoads = cols.map((u) => `let b${u} = vec4<f32>(${cols.map((j) => bAt(at('k', u), j)).join(', ')});`);
  }
  const products = rowGroups.flatMap((g) =>
    lanes.map((l) => {
      const r = g * S + l;
      return `let x${r} = subgroupBroadcast(av${g}, ${l}u);
    acc${r} = acc${r} + ((x${r}.x * b0 + x${r}.y * b1) + (x${r}.z * b2 + x${r}.w * b3));`;
    }),
  );
  const tail = rowGroups.flatMap((g) =>
    lanes.map((l) => `acc${g * S + l} = acc${g * S + l} + subgroupBroadcast(at${g}, ${l}u) * bt;`),
  );
  const rows = Array.from({ length: R }, (_, r) => r);
  // vec4 loads along k need K % 4 = 0, so only the scalar forms can have trailing k steps
  const hasTail = !vecA && !(vecB && tB);
  const tailLoop = `for (; k < P.K; k = k + 1u) {
    ${rowGroups.map((g) => `let at${g} = ${aAt(g, 'k')};`).join('\n    ')}
    let bt = vec4<f32>(${cols.map((j) => (vecB ? `b4[(bOff + k * P.N + nv) / 4u][${j}]` : bAt('k', j))).join(', ')});
    ${tail.join('\n    ')}
  }`;
  return {
    key: `matmul/subgroup${S}/${tA}/${tB}/${vecA ? 'va' : 'sa'}${vecB ? 'vb' : 'sb'}${epilogueKey(e)}`,
    inputs: fused ? 3 : 2,
    outputs: 1,
    source: () => `enable subgroups;
${bindings(vecA ? 'a4: array<vec4<f32>>' : 'a: array<f32>', vecB ? 'b4: array<vec4<f32>>' : 'b: array<f32>', e)}
${storeFn(fused)}

@compute @workgroup_size(${S})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  // blocks in groups of ${GROUP} block rows, column by column within a group, so
  // consecutive workgroups share their B panel and a group's A rows stay in cache
  let tilesM = (P.M + ${R - 1}u) / ${R}u;
  let id = wid.y * nwg.x + wid.x;
  if (id >= tilesM * P.tilesN) { return; }
  let first = (id / (${GROUP}u * P.tilesN)) * ${GROUP}u;
  let rowsOfGroup = min(tilesM - first, ${GROUP}u);
  let inGroup = id % (${GROUP}u * P.tilesN);
  let m0 = (first + inGroup % rowsOfGroup) * ${R}u;
  let n = ((inGroup / rowsOfGroup) * ${S}u + lane) * 4u;
  let aOff = wid.z * P.aBatch;
  let bOff = wid.z * P.bBatch;
  ${rowGroups.map((g) => `let ar${g} = aOff + min(m0 + ${g * S}u + lane, P.M - 1u)${tA ? '' : ' * P.K'};`).join('\n  ')}
  ${
    vecB && !tB
      ? 'let nv = min(n, P.N - 4u);'
      : cols.map((j) => `let bc${j} = ${tB ? 'bOff + ' : ''}min(n + ${j}u, P.N - 1u)${tB ? ' * P.K' : ''};`).join('\n  ')
  }
  ${rows.map((r) => `var acc${r} = vec4<f32>(0.0);`).join('\n  ')}
  let kq = P.K - P.K % 4u;
  var k = 0u;
  for (; k < kq; k = k + 4u) {
    ${aLoads.join('\n    ')}
    ${bLoads.join('\n    ')}
    ${products.join('\n    ')}
  }
  ${hasTail ? tailLoop : ''}
  // rows are stored one per iteration of a loop whose bound is a uniform (so
  // the compiler keeps it a loop): store acc0, then rotate the accumulators
  let cOff = wid.z * P.M * P.N;
  let rowsHere = min(${R}u, P.M - m0);
  for (var r = 0u; r < rowsHere; r = r + 1u) {
    store(cOff, m0 + r, n, acc0);
    ${rows.slice(1).map((r) => `acc${r - 1} = acc${r};`).join('\n    ')}
  }
}
`,
  };
}

function naiveProgram(tA: boolean, tB: boolean, e: Epilogue = PLAIN): GpuProgram {
  const fused = e !== PLAIN;
  return linearProgram(`matmul/naive/${tA}/${tB}${epilogueKey(e)}`, () => ({
    inputs: fused ? ['f32', 'f32', 'f32'] : ['f32', 'f32'],
    outputs: ['f32'],
    params: PARAMS,
    // the bias is in2 in this program's bindings
    ...(fused ? { header: epilogueFn(e).replace('bias[n]', 'in2[n]') } : {}),
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
  out0[i] = ${fused ? 'epi(acc, n)' : 'acc'};`,
  }));
}

/** Products with fewer outputs per batch than this run one thread per output. */
const NAIVE_MAX_OUTPUTS = 2048;

/**
 * The WebGPU matmul kernels for products of 2,048 or more outputs per batch:
 * `tiled` (64×64 blocks through workgroup memory, for GPUs) and `subgroup`
 * (2S×4S blocks, A shared between lanes by subgroup broadcasts, no workgroup
 * memory or barriers, for adapters that run shaders on the CPU).
 */
export type WebgpuMatmulKernel = 'tiled' | 'subgroup';

let requestedKernel: WebgpuMatmulKernel | 'auto' = 'auto';

/**
 * Chooses the WebGPU matmul kernel (matmul, batched matmul and
 * `matmulBiasAct`). `'auto'` (the default) takes `subgroup` on software
 * adapters (lavapipe, SwiftShader, fallback adapters) whose device has the
 * `subgroups` feature with one fixed subgroup size of 4 to 16 lanes, and
 * `tiled` everywhere else; naming a kernel forces it (tests run both).
 *
 * @example
 * ```ts
 * setWebgpuMatmulKernel('tiled'); // the shared-memory kernel even on lavapipe
 * setWebgpuMatmulKernel('auto');
 * ```
 */
export function setWebgpuMatmulKernel(kernel: WebgpuMatmulKernel | 'auto'): void {
  if (kernel !== 'auto' && kernel !== 'tiled' && kernel !== 'subgroup') {
    throw new ArgumentError(
      'setWebgpuMatmulKernel',
      `kernel must be 'auto', 'tiled' or 'subgroup', got '${String(kernel)}'`,
    );
  }
  requestedKernel = kernel;
}

/**
 * The matmul kernels the initialised WebGPU backend can run: `tiled`
 * always, `subgroup` where the device has fixed-size subgroups of 4 to 16
 * lanes. Throws when no WebGPU backend was initialised.
 */
export function webgpuMatmulKernels(): WebgpuMatmulKernel[] {
  return subgroupLanes(findBackend('webgpu') as WebGpuBackend) === null ? ['tiled'] : ['tiled', 'subgroup'];
}

/**
 * The matmul kernel the initialised WebGPU backend runs under the current
 * choice (see `setWebgpuMatmulKernel`). Throws when no WebGPU backend was
 * initialised.
 */
export function webgpuMatmulKernel(): WebgpuMatmulKernel {
  return kernelFor(findBackend('webgpu') as WebGpuBackend);
}

/** The subgroup size the subgroup kernel can be built for on `be`, or null. */
function subgroupLanes(be: WebGpuBackend): number | null {
  const s = be.subgroupSize;
  return s !== null && s >= 4 && s <= 16 && (s & (s - 1)) === 0 ? s : null;
}

function kernelFor(be: WebGpuBackend): WebgpuMatmulKernel {
  if (requestedKernel === 'tiled') return 'tiled';
  const lanes = subgroupLanes(be);
  if (requestedKernel === 'subgroup') {
    if (lanes === null) {
      throw new BackendError(
        'matmul',
        `the subgroup matmul kernel needs the 'subgroups' feature with one fixed subgroup size of 4 to 16 lanes; this device's subgroup size is ${be.subgroupSize ?? 'unknown or variable'}`,
      );
    }
    return 'subgroup';
  }
  return be.isSoftware && lanes !== null ? 'subgroup' : 'tiled';
}

// reads the operands' shapes and attributes exactly as the CPU kernel in
// matmul.ts does: the two kernels implement one contract side by side
registerGpuKernel('matmul', (inputs, attrs, be) => runMatmul(inputs, attrs, be, PLAIN));

// [a, b, bias [N]] → act(op(a)·op(b) + bias); the op and its CPU kernel and
// gradient are defined by @webgrad/nn (matmul-bias-act.ts)
registerGpuKernel('matmulBiasAct', (inputs, attrs, be) =>
  runMatmul(inputs, attrs, be, { bias: true, act: attrs.activation as MatmulActivation }),
);

function runMatmul(
  inputs: readonly KernelTensor[],
  attrs: KernelAttrs,
  be: WebGpuBackend,
  e: Epilogue,
): KernelTensor[] {
  const [a, b, bias] = inputs as [KernelTensor, KernelTensor, KernelTensor | undefined];
  const operands = bias ? [a, b, bias] : [a, b];
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
  const aBatch = Ba === 1 ? 0 : M * K;
  const bBatch = Bb === 1 ? 0 : K * N;
  // K = 0 runs the kernels too: the empty sum is 0, and the epilogue still applies
  if (M * N < NAIVE_MAX_OUTPUTS || B > 65535 || K === 0) {
    be.dispatch(
      naiveProgram(tA, tB, e),
      operands,
      [out],
      PARAMS.pack({ M, N, K, aBatch, bBatch, tilesN: B }),
      linearGroups(B * M * N),
    );
    return [out];
  }
  if (kernelFor(be) === 'subgroup') {
    const S = subgroupLanes(be)!;
    const vecA = !tA && K % 4 === 0;
    const vecB = tB ? K % 4 === 0 : N % 4 === 0;
    const tilesN = Math.ceil(N / (4 * S));
    be.dispatch(
      subgroupProgram(tA, tB, e, S, vecA, vecB),
      operands,
      [out],
      PARAMS.pack({ M, N, K, aBatch, bBatch, tilesN }),
      [...linearGroups(tilesN * Math.ceil(M / (2 * S)), 1), B],
    );
    return [out];
  }
  const tilesN = Math.ceil(N / TILE);
  const tiles = Math.ceil(M / TILE) * tilesN;
  be.dispatch(
    tiledProgram(tA, tB, e, tileDepth(be)),
    operands,
    [out],
    PARAMS.pack({ M, N, K, aBatch, bBatch, tilesN }),
    [tiles, 1, B],
  );
  return [out];
}
