import type { KernelAttrs } from '../backend.js';
import { sizeOf } from '../shape.js';
import { linearGroups, linearProgram, registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';

// The fused Adam/AdamW update of @webgrad/optim (`adamUpdate`; the op, its CPU kernel
// and the reference rule live there, in adam.ts and adam-update-kernel.ts): one thread
// per element updates the parameter and the moment estimates.
//
// [param, grad, expAvg, expAvgSq (, maxExpAvgSq)] → [param′, expAvg′, expAvgSq′ (, maxExpAvgSq′)]
//
// The host-side numbers (β's, 1 − β's, bias corrections, step size, the AdamW shrink
// factor) arrive as f32 uniforms, rounded once as the reference's scalar tensors are.
// With AMSGrad the op has 9 buffers, more than the 8 storage buffers every WebGPU device
// must allow, so it runs as two dispatches: the moments, then the parameter.

const PARAMS = new UniformLayout([
  ['n', 'u32'],
  ['maximize', 'u32'],
  ['decoupled', 'u32'],
  ['b1', 'f32'],
  ['b2', 'f32'],
  ['omb1', 'f32'],
  ['omb2', 'f32'],
  ['l2', 'f32'],
  ['shrink', 'f32'],
  ['eps', 'f32'],
  ['bc2Sqrt', 'f32'],
  ['stepSize', 'f32'],
]);

// m′ and v′ of element i from param (in0), grad (in1), m (in2), v (in3)
const MOMENTS = `
  let p = in0[i];
  var g = in1[i];
  if (P.maximize != 0u) { g = -g; }
  if (P.l2 != 0.0) { g = g + p * P.l2; }
  let m = in2[i] * P.b1 + g * P.omb1;
  let v = in3[i] * P.b2 + (g * g) * P.omb2;`;

/** param′ from the parameter `p`, the first moment `m` and the second moment `s` (v or its running maximum). */
function paramUpdate(p: string, m: string, s: string): string {
  return `
  var w = ${p};
  if (P.decoupled != 0u) { w = w * P.shrink; }
  let denom = sqrt(${s}) / P.bc2Sqrt + P.eps;
  out0[i] = w - (${m} / denom) * P.stepSize;`;
}

const ADAM = linearProgram('adamUpdate', () => ({
  inputs: ['f32', 'f32', 'f32', 'f32'],
  outputs: ['f32', 'f32', 'f32'],
  params: PARAMS,
  body: `
  if (i >= P.n) { return; }
  ${MOMENTS}
  out1[i] = m;
  out2[i] = v;
  ${paramUpdate('p', 'm', 'v')}`,
}));

// AMSGrad, dispatch 1: [param, grad, m, v, vmax] → [m′, v′, vmax′]
const AMSGRAD_MOMENTS = linearProgram('adamUpdate/amsgrad-moments', () => ({
  inputs: ['f32', 'f32', 'f32', 'f32', 'f32'],
  outputs: ['f32', 'f32', 'f32'],
  params: PARAMS,
  body: `
  if (i >= P.n) { return; }
  ${MOMENTS}
  out0[i] = m;
  out1[i] = v;
  out2[i] = webgrad_maximum(in4[i], v);`,
}));

// AMSGrad, dispatch 2: [param, m′, vmax′] → [param′]
const AMSGRAD_PARAM = linearProgram('adamUpdate/amsgrad-param', () => ({
  inputs: ['f32', 'f32', 'f32'],
  outputs: ['f32'],
  params: PARAMS,
  body: `
  if (i >= P.n) { return; }
  ${paramUpdate('in0[i]', 'in1[i]', 'in2[i]')}`,
}));

function uniforms(n: number, a: KernelAttrs): ArrayBuffer {
  const lr = a.lr as number;
  const wd = a.weightDecay as number;
  return PARAMS.pack({
    n,
    maximize: a.maximize === true ? 1 : 0,
    decoupled: a.decoupled === true ? 1 : 0,
    b1: a.beta1 as number,
    b2: a.beta2 as number,
    omb1: 1 - (a.beta1 as number),
    omb2: 1 - (a.beta2 as number),
    l2: a.decoupled === true ? 0 : wd,
    shrink: 1 - lr * wd,
    eps: a.eps as number,
    bc2Sqrt: a.bc2Sqrt as number,
    stepSize: a.stepSize as number,
  });
}

registerGpuKernel('adamUpdate', (inputs, attrs, be) => {
  const param = inputs[0]!;
  const n = sizeOf(param.shape);
  const out = (): ReturnType<typeof be.output> => be.output('adamUpdate', param.shape, param.dtype);
  const u = uniforms(n, attrs);
  if (attrs.amsgrad !== true) {
    const outs = [out(), out(), out()];
    be.dispatch(ADAM, inputs, outs, u, linearGroups(n));
    return outs;
  }
  const [p, m, v, vMax] = [out(), out(), out(), out()];
  be.dispatch(AMSGRAD_MOMENTS, inputs, [m, v, vMax], u, linearGroups(n));
  be.dispatch(AMSGRAD_PARAM, [param, m, vMax], [p], u, linearGroups(n));
  return [p, m, v, vMax];
});
