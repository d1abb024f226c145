import { sizeOf } from '../shape.js';
import { linearGroups, linearProgram, registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';

// The fused GRU cell of @webgrad/layers-recurrent (`gruCell`, `gruCellBackward`; the op,
// its CPU kernels and its gradient live there, in gru-cell-update.ts): one thread per
// hidden unit computes r, z, n and the new state. Gate order r, z, n (PyTorch's), the
// reset gate applied to the recurrent term including its bias b_hn.

const PARAMS = new UniformLayout([
  ['n', 'u32'],
  ['h', 'u32'],
]);

/** r, z, n and hn = gh_n + b_hn of unit `i` from gi (`in{a}`), gh (`in{a+1}`) and b_hh (`in{bias}`). */
function gates(a: number, bias: number): string {
  const gi = `in${a}`;
  const gh = `in${a + 1}`;
  const b = `in${bias}`;
  return `
  let j = i % P.h;
  let k = (i / P.h) * 3u * P.h + j;
  let r = webgrad_sigmoid(${gi}[k] + (${gh}[k] + ${b}[j]));
  let z = webgrad_sigmoid(${gi}[k + P.h] + (${gh}[k + P.h] + ${b}[j + P.h]));
  let hn = ${gh}[k + 2u * P.h] + ${b}[j + 2u * P.h];
  let nn = webgrad_tanh(${gi}[k + 2u * P.h] + r * hn);`;
}

// [gi, gh, h, b_hh] → [h′ = (1 − z) ⊙ n + z ⊙ h]
const FORWARD = linearProgram('gruCell', () => ({
  inputs: ['f32', 'f32', 'f32', 'f32'],
  outputs: ['f32'],
  params: PARAMS,
  body: `
  if (i >= P.n) { return; }
  ${gates(0, 3)}
  out0[i] = (1.0 - z) * nn + z * in2[i];`,
}));

// [dh′, gi, gh, h, b_hh] → [dgi, dgh, dh], the formulas of the CPU kernel
const BACKWARD = linearProgram('gruCellBackward', () => ({
  inputs: ['f32', 'f32', 'f32', 'f32', 'f32'],
  outputs: ['f32', 'f32', 'f32'],
  params: PARAMS,
  body: `
  if (i >= P.n) { return; }
  ${gates(1, 4)}
  let d = in0[i];
  let dan = d * (1.0 - z) * (1.0 - nn * nn);
  let daz = d * (in3[i] - nn) * z * (1.0 - z);
  let dar = dan * hn * r * (1.0 - r);
  out0[k] = dar;
  out0[k + P.h] = daz;
  out0[k + 2u * P.h] = dan;
  out1[k] = dar;
  out1[k + P.h] = daz;
  out1[k + 2u * P.h] = dan * r;
  out2[i] = d * z;`,
}));

registerGpuKernel('gruCell', (inputs, _attrs, be) => {
  const h = inputs[2]!;
  const out = be.output('gruCell', h.shape, h.dtype);
  const n = sizeOf(h.shape);
  be.dispatch(
    FORWARD,
    inputs,
    [out],
    PARAMS.pack({ n, h: h.shape[h.shape.length - 1]! }),
    linearGroups(n),
  );
  return [out];
});

registerGpuKernel('gruCellBackward', (inputs, _attrs, be) => {
  const gi = inputs[1]!;
  const h = inputs[3]!;
  const dgi = be.output('gruCellBackward', gi.shape, h.dtype);
  const dgh = be.output('gruCellBackward', gi.shape, h.dtype);
  const dh = be.output('gruCellBackward', h.shape, h.dtype);
  const n = sizeOf(h.shape);
  be.dispatch(
    BACKWARD,
    inputs,
    [dgi, dgh, dh],
    PARAMS.pack({ n, h: h.shape[h.shape.length - 1]! }),
    linearGroups(n),
  );
  return [dgi, dgh, dh];
});
