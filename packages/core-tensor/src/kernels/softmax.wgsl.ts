import { sizeOf } from '../shape.js';
import {
  type GpuKernel,
  linearGroups,
  linearProgram,
  registerGpuKernel,
} from '../webgpu/gpu-kernel.js';
import { bindingDecls, type GpuProgram } from '../webgpu/pipeline-cache.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';

// softmax and logSoftmax as one fused kernel per row: max, sum of exp(x - max)
// and the outputs in one dispatch. Long contiguous rows get a workgroup each
// (tree reductions for the max and the sum); short or strided rows (axis not
// last) one thread each. logSoftmax is (x − max) − log Σ exp(x − max), which
// keeps the digits of x − max when the logits are large. The maximum propagates NaN and an all -Inf row
// shifts by 0, as the CPU kernel does.

const PARAMS = new UniformLayout([
  ['rows', 'u32'],
  ['n', 'u32'],
  ['inner', 'u32'],
]);

const TREE = 256;
const SHORT_ROW = 64;

const ROW_MAX = `
fn maxNan(a: f32, b: f32) -> f32 { if (webgrad_isnan(a)) { return a; } if (webgrad_isnan(b) || b > a) { return b; } return a; }
fn shift(m: f32) -> f32 { if (m == -webgrad_inf()) { return 0.0; } return m; }
`;

function finish(log: boolean, at: string): string {
  return log ? `out0[${at}] = (in0[${at}] - m) - ls;` : `out0[${at}] = exp(in0[${at}] - m) * inv;`;
}

function columnProgram(log: boolean): GpuProgram {
  return linearProgram(`softmax/column/${log}`, () => ({
    inputs: ['f32'],
    outputs: ['f32'],
    params: PARAMS,
    header: ROW_MAX,
    body: `
  if (i >= P.rows * P.inner) { return; }
  let base = (i / P.inner) * P.n * P.inner + i % P.inner;
  var m = -webgrad_inf();
  for (var k = 0u; k < P.n; k = k + 1u) { m = maxNan(m, in0[base + k * P.inner]); }
  m = shift(m);
  var s = 0.0;
  for (var k = 0u; k < P.n; k = k + 1u) { s = s + exp(in0[base + k * P.inner] - m); }
  let ls = webgrad_log(s);
  let inv = 1.0 / s;
  for (var k = 0u; k < P.n; k = k + 1u) { ${finish(log, 'base + k * P.inner')} }`,
  }));
}

function rowProgram(log: boolean): GpuProgram {
  return {
    key: `softmax/row/${log}`,
    inputs: 1,
    outputs: 1,
    source: () =>
      bindingDecls(['f32'], ['f32'], PARAMS.wgsl) +
      ROW_MAX +
      `
var<workgroup> red: array<f32, ${TREE}>;
@compute @workgroup_size(${TREE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  let valid = row < P.rows;
  let base = row * P.n;
  var m = -webgrad_inf();
  if (valid) { for (var k = lid; k < P.n; k = k + ${TREE}u) { m = maxNan(m, in0[base + k]); } }
  red[lid] = m;
  workgroupBarrier();
  for (var s = ${TREE / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = maxNan(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  m = shift(red[0]);
  workgroupBarrier();
  var acc = 0.0;
  if (valid) { for (var k = lid; k < P.n; k = k + ${TREE}u) { acc = acc + exp(in0[base + k] - m); } }
  red[lid] = acc;
  workgroupBarrier();
  for (var s = ${TREE / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  let ls = webgrad_log(total);
  let inv = 1.0 / total;
  if (valid) { for (var k = lid; k < P.n; k = k + ${TREE}u) { ${finish(log, 'base + k')} } }
}
`,
  };
}

function softmaxKernel(log: boolean): GpuKernel {
  const op = log ? 'logSoftmax' : 'softmax';
  return (inputs, attrs, be) => {
    const x = inputs[0]!;
    const axis = attrs.axis as number;
    const out = be.output(op, x.shape, x.dtype);
    if (x.shape.length === 0) {
      be.release(out.storage);
      return [
        {
          storage: be.upload(new Float32Array([log ? 0 : 1]), 'float32'),
          shape: [],
          dtype: x.dtype,
        },
      ];
    }
    const rows = sizeOf(x.shape.slice(0, axis));
    const n = x.shape[axis]!;
    const inner = sizeOf(x.shape.slice(axis + 1));
    const uniforms = PARAMS.pack({ rows, n, inner });
    if (inner > 1 || n <= SHORT_ROW)
      be.dispatch(columnProgram(log), [x], [out], uniforms, linearGroups(rows * inner));
    else be.dispatch(rowProgram(log), [x], [out], uniforms, linearGroups(rows, 1));
    return [out];
  };
}

registerGpuKernel('softmax', softmaxKernel(false));
registerGpuKernel('logSoftmax', softmaxKernel(true));
