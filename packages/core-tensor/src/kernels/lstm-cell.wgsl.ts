import { sizeOf } from '../shape.js';
import { linearGroups, linearProgram, registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';

// The fused LSTM cell of @webgrad/layers-recurrent (`lstmCell`, `lstmCellBackward`; the
// op, its CPU kernels and its gradient live there, in lstm-cell-update.ts): one thread
// per hidden unit computes the four gates and the state update, so a step is one
// dispatch instead of about a dozen elementwise ones. Gate order i, f, g, o (PyTorch's).
// The WGSL lives here because the WebGPU kernel API is core-tensor's own.

const PARAMS = new UniformLayout([
  ['n', 'u32'],
  ['h', 'u32'],
]);

/** The gates of unit `i` (row i / H, column i % H) from gi (`in{a}`) + gh (`in{b}`). */
function gates(a: number, b: number): string {
  return `
  let row = i / P.h;
  let k = row * 4u * P.h + i % P.h;
  let ig = webgrad_sigmoid(in${a}[k] + in${b}[k]);
  let fg = webgrad_sigmoid(in${a}[k + P.h] + in${b}[k + P.h]);
  let gg = webgrad_tanh(in${a}[k + 2u * P.h] + in${b}[k + 2u * P.h]);
  let og = webgrad_sigmoid(in${a}[k + 3u * P.h] + in${b}[k + 3u * P.h]);`;
}

// [gi, gh, c] → [h′, c′]: c′ = f ⊙ c + i ⊙ g, h′ = o ⊙ tanh(c′)
const FORWARD = linearProgram('lstmCell', () => ({
  inputs: ['f32', 'f32', 'f32'],
  outputs: ['f32', 'f32'],
  params: PARAMS,
  body: `
  if (i >= P.n) { return; }
  ${gates(0, 1)}
  let cv = fg * in2[i] + ig * gg;
  out1[i] = cv;
  out0[i] = og * webgrad_tanh(cv);`,
}));

// [dh′, dc′, gi, gh, c] → [da, dc], the formulas of the CPU kernel
const BACKWARD = linearProgram('lstmCellBackward', () => ({
  inputs: ['f32', 'f32', 'f32', 'f32', 'f32'],
  outputs: ['f32', 'f32'],
  params: PARAMS,
  body: `
  if (i >= P.n) { return; }
  ${gates(2, 3)}
  let cp = in4[i];
  let tc = webgrad_tanh(fg * cp + ig * gg);
  let dhv = in0[i];
  let dct = in1[i] + dhv * og * (1.0 - tc * tc);
  out0[k] = dct * gg * ig * (1.0 - ig);
  out0[k + P.h] = dct * cp * fg * (1.0 - fg);
  out0[k + 2u * P.h] = dct * ig * (1.0 - gg * gg);
  out0[k + 3u * P.h] = dhv * tc * og * (1.0 - og);
  out1[i] = dct * fg;`,
}));

registerGpuKernel('lstmCell', (inputs, _attrs, be) => {
  const c = inputs[2]!;
  const h = be.output('lstmCell', c.shape, c.dtype);
  const cn = be.output('lstmCell', c.shape, c.dtype);
  const n = sizeOf(c.shape);
  const H = c.shape[c.shape.length - 1]!;
  be.dispatch(FORWARD, inputs, [h, cn], PARAMS.pack({ n, h: H }), linearGroups(n));
  return [h, cn];
});

registerGpuKernel('lstmCellBackward', (inputs, _attrs, be) => {
  const c = inputs[4]!;
  const da = be.output('lstmCellBackward', inputs[2]!.shape, c.dtype);
  const dc = be.output('lstmCellBackward', c.shape, c.dtype);
  const n = sizeOf(c.shape);
  const H = c.shape[c.shape.length - 1]!;
  be.dispatch(BACKWARD, inputs, [da, dc], PARAMS.pack({ n, h: H }), linearGroups(n));
  return [da, dc];
});
