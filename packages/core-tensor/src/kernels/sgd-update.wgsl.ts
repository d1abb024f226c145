import { sizeOf } from '../shape.js';
import { linearGroups, linearProgram, registerGpuKernel } from '../webgpu/gpu-kernel.js';
import type { GpuProgram } from '../webgpu/pipeline-cache.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';

// The fused SGD update of @webgrad/optim (`sgdUpdate`; the op, its CPU kernel and the
// reference rule live there, in sgd.ts and sgd-update-kernel.ts): one thread per element.
//
// momentum = 0:  [param, grad] → [param′]
// momentum ≠ 0:  [param, grad (, momentumBuffer)] → [param′, momentumBuffer′]
//                (no buffer yet: the first step's buffer is the gradient itself)

const PARAMS = new UniformLayout([
  ['n', 'u32'],
  ['maximize', 'u32'],
  ['nesterov', 'u32'],
  ['lr', 'f32'],
  ['momentum', 'f32'],
  ['damp', 'f32'],
  ['wd', 'f32'],
]);

/** Variants: no momentum; momentum at the first step (no buffer); momentum with a buffer. */
type Variant = 'plain' | 'first' | 'momentum';

function program(variant: Variant): GpuProgram {
  const buffer =
    variant === 'plain'
      ? ''
      : `
  let buf = ${variant === 'first' ? 'd' : 'in2[i] * P.momentum + d * P.damp'};
  out1[i] = buf;
  if (P.nesterov != 0u) { d = d + buf * P.momentum; } else { d = buf; }`;
  return linearProgram(`sgdUpdate/${variant}`, () => ({
    inputs: variant === 'momentum' ? ['f32', 'f32', 'f32'] : ['f32', 'f32'],
    outputs: variant === 'plain' ? ['f32'] : ['f32', 'f32'],
    params: PARAMS,
    body: `
  if (i >= P.n) { return; }
  let p = in0[i];
  var d = in1[i];
  if (P.maximize != 0u) { d = -d; }
  if (P.wd != 0.0) { d = d + p * P.wd; }
  ${buffer}
  out0[i] = p - d * P.lr;`,
  }));
}

registerGpuKernel('sgdUpdate', (inputs, attrs, be) => {
  const param = inputs[0]!;
  const n = sizeOf(param.shape);
  const momentum = attrs.momentum as number;
  const variant: Variant = momentum === 0 ? 'plain' : inputs.length === 3 ? 'momentum' : 'first';
  const outs = [be.output('sgdUpdate', param.shape, param.dtype)];
  if (variant !== 'plain') outs.push(be.output('sgdUpdate', param.shape, param.dtype));
  const u = PARAMS.pack({
    n,
    maximize: attrs.maximize === true ? 1 : 0,
    nesterov: attrs.nesterov === true ? 1 : 0,
    lr: attrs.lr as number,
    momentum,
    damp: 1 - (attrs.dampening as number),
    wd: attrs.weightDecay as number,
  });
  be.dispatch(
    program(variant),
    inputs.slice(0, variant === 'momentum' ? 3 : 2),
    outs,
    u,
    linearGroups(n),
  );
  return outs;
});
