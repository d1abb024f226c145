import type { KernelTensor } from '../backend.js';
import { sizeOf } from '../shape.js';
import { linearGroups, linearProgram, registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { bindingDecls, type GpuProgram } from '../webgpu/pipeline-cache.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';

// The fused layer norm of @webgrad/regularize (`layerNorm`, `layerNormBackward`; the ops,
// their CPU kernels and the gradient live there, in fused-layer-norm.ts and
// layer-norm-cpu-kernel.ts). The input is rows of N = weight.size elements:
//
// layerNorm          [x, weight, bias], { eps } → [y]
// layerNormBackward  [dy, x, weight], { eps } → [dx, dweight, dbias]
//
// One workgroup per row (one thread per row for rows of at most 64): tree reductions give
// the mean, then the biased variance (two passes over the row, as the CPU does), then y. The backward row kernel also reduces
// Σ g and Σ g·x̂ (g = dy·γ) for dx and stores each row's mean and 1/√(σ² + ε); dγ and dβ,
// sums over rows, are column sums in chunks of CHUNK rows (one thread per column and
// chunk), then a sum over the chunks in order, so no float atomics are needed.

const PARAMS = new UniformLayout([
  ['rows', 'u32'],
  ['n', 'u32'],
  ['chunks', 'u32'],
  ['eps', 'f32'],
]);

const TREE = 128;
/** Rows at most this long are normalised one thread per row (a workgroup would idle and wait at barriers). */
const SHORT_ROW = 64;
/** Rows one thread sums in the dγ/dβ pass. */
const CHUNK = 64;

/** WGSL that tree-reduces `value` over the workgroup into `result` (every thread gets it). */
function treeSum(arr: string, value: string, result: string): string {
  return `
  ${arr}[lid] = ${value};
  workgroupBarrier();
  for (var s = ${TREE / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { ${arr}[lid] = ${arr}[lid] + ${arr}[lid + s]; }
    workgroupBarrier();
  }
  let ${result} = ${arr}[0];
  workgroupBarrier();`;
}

/** The row prologue: `row`, `valid`, `base`, and the row's `mean` and `rstd` of x (`in{x}`). */
function rowStats(x: string): string {
  return `
  let row = wid.y * nwg.x + wid.x;
  let valid = row < P.rows;
  let base = row * P.n;
  let nf = f32(P.n);
  var acc = 0.0;
  if (valid) { for (var k = lid; k < P.n; k = k + ${TREE}u) { acc = acc + ${x}[base + k]; } }
  ${treeSum('red', 'acc', 'total')}
  let mean = total / nf;
  acc = 0.0;
  if (valid) { for (var k = lid; k < P.n; k = k + ${TREE}u) { let d = ${x}[base + k] - mean; acc = acc + d * d; } }
  ${treeSum('red', 'acc', 'squares')}
  let rstd = 1.0 / sqrt(squares / nf + P.eps);`;
}

function rowProgram(
  key: string,
  inputs: number,
  outputs: number,
  body: string,
  extra = '',
): GpuProgram {
  return {
    key,
    inputs,
    outputs,
    source: () =>
      bindingDecls(Array(inputs).fill('f32'), Array(outputs).fill('f32'), PARAMS.wgsl) +
      `
var<workgroup> red: array<f32, ${TREE}>;
${extra}
@compute @workgroup_size(${TREE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
${body}
}
`,
  };
}

// [x, γ, β] → [y]
const FORWARD = rowProgram(
  'layerNorm',
  3,
  1,
  `${rowStats('in0')}
  if (valid) {
    for (var k = lid; k < P.n; k = k + ${TREE}u) { out0[base + k] = (in0[base + k] - mean) * rstd * in1[k] + in2[k]; }
  }`,
);

// [dy, x, γ] → [dx, stats (mean and rstd per row)]
const BACKWARD_ROWS = rowProgram(
  'layerNormBackward/rows',
  3,
  2,
  `${rowStats('in1')}
  var sg = 0.0;
  var sgx = 0.0;
  if (valid) {
    for (var k = lid; k < P.n; k = k + ${TREE}u) {
      let g = in0[base + k] * in2[k];
      sg = sg + g;
      sgx = sgx + g * (in1[base + k] - mean) * rstd;
    }
  }
  ${treeSum('red', 'sg', 'sumG')}
  ${treeSum('red', 'sgx', 'sumGX')}
  let mg = sumG / nf;
  let mgx = sumGX / nf;
  if (valid) {
    for (var k = lid; k < P.n; k = k + ${TREE}u) {
      let xh = (in1[base + k] - mean) * rstd;
      out0[base + k] = rstd * (in0[base + k] * in2[k] - mg - xh * mgx);
    }
    if (lid == 0u) { out1[2u * row] = mean; out1[2u * row + 1u] = rstd; }
  }`,
);

// [dy, x, stats] → [dγ, dβ] partial sums: thread i sums column i % N over chunk i / N
const BACKWARD_COLUMNS = linearProgram('layerNormBackward/columns', () => ({
  inputs: ['f32', 'f32', 'f32'],
  outputs: ['f32', 'f32'],
  params: PARAMS,
  body: `
  if (i >= P.n * P.chunks) { return; }
  let j = i % P.n;
  let c = i / P.n;
  let end = min(P.rows, (c + 1u) * ${CHUNK}u);
  var dw = 0.0;
  var db = 0.0;
  for (var r = c * ${CHUNK}u; r < end; r = r + 1u) {
    let d = in0[r * P.n + j];
    dw = dw + d * (in1[r * P.n + j] - in2[2u * r]) * in2[2u * r + 1u];
    db = db + d;
  }
  out0[i] = dw;
  out1[i] = db;`,
}));

// [partial dγ, partial dβ] → [dγ, dβ]: the chunks of each column summed in order
const BACKWARD_CHUNKS = linearProgram('layerNormBackward/chunks', () => ({
  inputs: ['f32', 'f32'],
  outputs: ['f32', 'f32'],
  params: PARAMS,
  body: `
  if (i >= P.n) { return; }
  var dw = 0.0;
  var db = 0.0;
  for (var c = 0u; c < P.chunks; c = c + 1u) { dw = dw + in0[c * P.n + i]; db = db + in1[c * P.n + i]; }
  out0[i] = dw;
  out1[i] = db;`,
}));

/** One thread per row (`i`): the row's `base`, `mean` and `rstd` of x (`in{x}`), summed in order. */
function shortRowStats(x: string): string {
  return `
  if (i >= P.rows) { return; }
  let base = i * P.n;
  let nf = f32(P.n);
  var acc = 0.0;
  for (var k = 0u; k < P.n; k = k + 1u) { acc = acc + ${x}[base + k]; }
  let mean = acc / nf;
  acc = 0.0;
  for (var k = 0u; k < P.n; k = k + 1u) { let d = ${x}[base + k] - mean; acc = acc + d * d; }
  let rstd = 1.0 / sqrt(acc / nf + P.eps);`;
}

// short rows, [x, γ, β] → [y]
const SHORT_FORWARD = linearProgram('layerNorm/short', () => ({
  inputs: ['f32', 'f32', 'f32'],
  outputs: ['f32'],
  params: PARAMS,
  body: `${shortRowStats('in0')}
  for (var k = 0u; k < P.n; k = k + 1u) { out0[base + k] = (in0[base + k] - mean) * rstd * in1[k] + in2[k]; }`,
}));

// short rows, [dy, x, γ] → [dx, stats]
const SHORT_BACKWARD_ROWS = linearProgram('layerNormBackward/short', () => ({
  inputs: ['f32', 'f32', 'f32'],
  outputs: ['f32', 'f32'],
  params: PARAMS,
  body: `${shortRowStats('in1')}
  var sg = 0.0;
  var sgx = 0.0;
  for (var k = 0u; k < P.n; k = k + 1u) {
    let g = in0[base + k] * in2[k];
    sg = sg + g;
    sgx = sgx + g * (in1[base + k] - mean) * rstd;
  }
  let mg = sg / nf;
  let mgx = sgx / nf;
  for (var k = 0u; k < P.n; k = k + 1u) {
    let xh = (in1[base + k] - mean) * rstd;
    out0[base + k] = rstd * (in0[base + k] * in2[k] - mg - xh * mgx);
  }
  out1[2u * i] = mean;
  out1[2u * i + 1u] = rstd;`,
}));

// no rows: the parameter gradients are sums of nothing
const ZERO = linearProgram('layerNormBackward/zero', () => ({
  inputs: [],
  outputs: ['f32', 'f32'],
  params: PARAMS,
  body: '  if (i < P.n) { out0[i] = 0.0; out1[i] = 0.0; }',
}));

function layout(x: KernelTensor, weight: KernelTensor): { rows: number; n: number } {
  const n = sizeOf(weight.shape);
  return { rows: n === 0 ? 0 : sizeOf(x.shape) / n, n };
}

registerGpuKernel('layerNorm', (inputs, attrs, be) => {
  const [x, weight] = inputs as [KernelTensor, KernelTensor];
  const { rows, n } = layout(x, weight);
  const y = be.output('layerNorm', x.shape, x.dtype);
  const u = PARAMS.pack({ rows, n, chunks: 0, eps: attrs.eps as number });
  if (n <= SHORT_ROW) be.dispatch(SHORT_FORWARD, inputs, [y], u, linearGroups(rows));
  else be.dispatch(FORWARD, inputs, [y], u, linearGroups(rows, 1));
  return [y];
});

registerGpuKernel('layerNormBackward', (inputs, attrs, be) => {
  const [dy, x, weight] = inputs as [KernelTensor, KernelTensor, KernelTensor];
  const { rows, n } = layout(x, weight);
  const out = (shape: number[]): KernelTensor => be.output('layerNormBackward', shape, x.dtype);
  const dx = out(x.shape.slice());
  const dw = out(weight.shape.slice());
  const db = out(weight.shape.slice());
  const chunks = Math.ceil(rows / CHUNK);
  const u = PARAMS.pack({ rows, n, chunks, eps: attrs.eps as number });
  if (rows === 0 || n === 0) {
    be.dispatch(ZERO, [], [dw, db], u, linearGroups(n));
    return [dx, dw, db];
  }
  const stats = out([2 * rows]);
  if (n <= SHORT_ROW)
    be.dispatch(SHORT_BACKWARD_ROWS, [dy, x, weight], [dx, stats], u, linearGroups(rows));
  else be.dispatch(BACKWARD_ROWS, [dy, x, weight], [dx, stats], u, linearGroups(rows, 1));
  if (chunks === 1) {
    be.dispatch(BACKWARD_COLUMNS, [dy, x, stats], [dw, db], u, linearGroups(n));
  } else {
    const partW = out([chunks * n]);
    const partB = out([chunks * n]);
    be.dispatch(BACKWARD_COLUMNS, [dy, x, stats], [partW, partB], u, linearGroups(chunks * n));
    be.dispatch(BACKWARD_CHUNKS, [partW, partB], [dw, db], u, linearGroups(n));
    be.release(partW.storage);
    be.release(partB.storage);
  }
  be.release(stats.storage);
  return [dx, dw, db];
});
