import type { KernelTensor } from '../backend.js';
import { sizeOf } from '../shape.js';
import { linearGroups, linearProgram, registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { bindingDecls, type GpuProgram } from '../webgpu/pipeline-cache.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';
import type { WebGpuBackend } from '../webgpu/webgpu-backend.js';

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

// ---- the whole recurrence of one LSTM layer and direction: `lstmSequence`, `lstmSequenceBackward` ----
//
// [gi [T,B,4H], h0 [B,H], c0 [B,H], W_hh [4H,H]] → [hs [T,B,H], cs [T,B,H], gates [T,B,4H]]
// (gates: the activated i, f, g, o of every step, kept for the gradient). One dispatch per
// time step computes the recurrent product h_{t−1}·W_hhᵀ AND the cell update: a thread owns
// one hidden unit j for ROWS batch rows, accumulates the four gate pre-activations of its unit
// as one vec4 (W_hh repacked once per sequence so that the four weights of (k, j) are one
// vec4 and neighbouring threads read neighbouring vec4s), then applies the cell in registers.
// So a step is one dispatch instead of a matmul, a cell update and the copies around them,
// the gate pre-activations never go through memory, and the product has no 64-row tile
// half-empty for a batch of 32. h_{t−1} and c_{t−1} are read from the step before in the
// outputs themselves (or h0, c0 at the first step), so nothing is copied between steps.
// The gradient walks back the same way: one dispatch per step computes the recurrent
// gradient dh = dh_out + da_{t+1}·W_hh (W_hh repacked so the four weights of gate rows
// 4q..4q+3 of unit j are one vec4) and the cell's backward, writing da_t straight into the
// [T,B,4H] gradient of gi and carrying dc in place. `reverse` runs the time steps from T−1
// down to 0 (the reverse direction of a bidirectional layer); outputs stay in time order.

/** Batch rows per thread: each W_hh vec4 read serves this many rows. */
// 4 rather than 8: a thread's accumulators are ROWS vec4s, and on lavapipe (8 lanes a SIMD
// register) 8 of them spill; 4 measured 1.6–3x faster there (forward and backward, H 256, B 32)
const ROWS = 4;
/** Threads per workgroup. */
const UNITS = 64;

const SEQ_PARAMS = new UniformLayout([
  ['b', 'u32'],
  ['h', 'u32'],
  ['t', 'u32'],
  ['tp', 'u32'],
  ['hasPrev', 'u32'],
  ['tn', 'u32'],
  ['hasNext', 'u32'],
]);

const REPACK_PARAMS = new UniformLayout([
  ['n', 'u32'],
  ['h', 'u32'],
]);

/** A program writing out0[i] (i < P.n) from W_hh [4H, H] = in0 by `body`, which sets `v`. */
function repackProgram(key: string, body: string): GpuProgram {
  return linearProgram(`lstmSequence/${key}`, () => ({
    inputs: ['f32'],
    outputs: ['f32'],
    params: REPACK_PARAMS,
    body: `
  if (i >= P.n) { return; }
  var v = 0.0;${body}
  out0[i] = v;`,
  }));
}

// W_hh [4H, H] → [H(k), H(j), 4(gate)]: element (k, j, g) = W[g·H + j, k]
const REPACK_FORWARD = repackProgram(
  'repackForward',
  `
  let g = i % 4u;
  let j = (i / 4u) % P.h;
  let k = i / (4u * P.h);
  v = in0[(g * P.h + j) * P.h + k];`,
);

// W_hh [4H, H] → [4H(q), ⌈H/4⌉(j4), 4(r)]: element (q, j4, r) = W[q, 4·j4 + r], 0 past H
const REPACK_BACKWARD = repackProgram(
  'repackBackward',
  `
  let h4 = (P.h + 3u) / 4u;
  let r = i % 4u;
  let j = ((i / 4u) % h4) * 4u + r;
  let q = i / (4u * h4);
  if (j < P.h) { v = in0[q * P.h + j]; }`,
);

/** `ROWS` copies of `line(r)` (one per batch row of the thread), joined. */
function perRow(line: (r: number) => string, sep = '\n  '): string {
  return Array.from({ length: ROWS }, (_, r) => line(r)).join(sep);
}

/** The entry point's prologue: unit j (clamped for loads as jc), the clamped row offsets of the thread's rows. */
function seqPrologue(rowStride: string, units = 'P.h'): string {
  return `
@compute @workgroup_size(${UNITS})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let j = wid.x * ${UNITS}u + lid;
  let jc = min(j, ${units === 'P.h' ? 'P.h' : '(P.h + 3u) / 4u'} - 1u);
  let b0 = wid.y * ${ROWS}u;
  ${perRow((r) => `let r${r} = min(b0 + ${r}u, P.b - 1u) * ${rowStride};`)}`;
}

// in0 gi, in1 W repacked (vec4), in2 h0, in3 c0 → out0 hs, out1 cs, out2 gates
const SEQ_FORWARD: GpuProgram = {
  key: `lstmSequence/forward/r${ROWS}`,
  inputs: 4,
  outputs: 3,
  source: () =>
    bindingDecls(['f32', 'vec4<f32>', 'f32', 'f32'], ['f32', 'f32', 'f32'], SEQ_PARAMS.wgsl) +
    `
fn cell(b: u32, j: u32, a: vec4<f32>) {
  if (b >= P.b) { return; }
  let s = (P.t * P.b + b) * P.h + j;
  let k = (P.t * P.b + b) * 4u * P.h + j;
  let ig = webgrad_sigmoid(in0[k] + a.x);
  let fg = webgrad_sigmoid(in0[k + P.h] + a.y);
  let gg = webgrad_tanh(in0[k + 2u * P.h] + a.z);
  let og = webgrad_sigmoid(in0[k + 3u * P.h] + a.w);
  var cp: f32;
  if (P.hasPrev == 1u) { cp = out1[(P.tp * P.b + b) * P.h + j]; } else { cp = in3[b * P.h + j]; }
  let cv = fg * cp + ig * gg;
  out1[s] = cv;
  out0[s] = og * webgrad_tanh(cv);
  out2[k] = ig;
  out2[k + P.h] = fg;
  out2[k + 2u * P.h] = gg;
  out2[k + 3u * P.h] = og;
}
` +
    seqPrologue('P.h') +
    `
  ${perRow((r) => `var a${r} = vec4<f32>(0.0);`)}
  // h_{t−1} is read at the same address by every thread of the workgroup
  if (P.hasPrev == 1u) {
    let hb = P.tp * P.b * P.h;
    for (var k = 0u; k < P.h; k = k + 1u) {
      let w = in1[k * P.h + jc];
      ${perRow((r) => `a${r} = a${r} + out0[hb + r${r} + k] * w;`, '\n      ')}
    }
  } else {
    for (var k = 0u; k < P.h; k = k + 1u) {
      let w = in1[k * P.h + jc];
      ${perRow((r) => `a${r} = a${r} + in2[r${r} + k] * w;`, '\n      ')}
    }
  }
  if (j >= P.h) { return; }
  ${perRow((r) => `cell(b0 + ${r}u, j, a${r});`)}
}
`,
};

// in0 dhs, in1 dcs, in2 gates, in3 cs, in4 c0, in5 W repacked (vec4) → out0 da [T,B,4H], out1 dc carry [B,H].
// A thread owns 4 neighbouring units (one vec4 of W_hh's row) for ROWS batch rows.
const SEQ_BACKWARD: GpuProgram = {
  key: `lstmSequence/backward/r${ROWS}`,
  inputs: 6,
  outputs: 2,
  source: () =>
    bindingDecls(
      ['f32', 'f32', 'f32', 'f32', 'f32', 'vec4<f32>'],
      ['f32', 'f32'],
      SEQ_PARAMS.wgsl,
    ) +
    `
fn cellBackward(b: u32, j: u32, dhRec: f32) {
  if (b >= P.b || j >= P.h) { return; }
  let s = (P.t * P.b + b) * P.h + j;
  let k = (P.t * P.b + b) * 4u * P.h + j;
  let ig = in2[k];
  let fg = in2[k + P.h];
  let gg = in2[k + 2u * P.h];
  let og = in2[k + 3u * P.h];
  var cp: f32;
  if (P.hasPrev == 1u) { cp = in3[(P.tp * P.b + b) * P.h + j]; } else { cp = in4[b * P.h + j]; }
  let tc = webgrad_tanh(in3[s]);
  let dh = in0[s] + dhRec;
  var dc = in1[s];
  if (P.hasNext == 1u) { dc = dc + out1[b * P.h + j]; }
  let dct = dc + dh * og * (1.0 - tc * tc);
  out0[k] = dct * gg * ig * (1.0 - ig);
  out0[k + P.h] = dct * cp * fg * (1.0 - fg);
  out0[k + 2u * P.h] = dct * ig * (1.0 - gg * gg);
  out0[k + 3u * P.h] = dh * tc * og * (1.0 - og);
  out1[b * P.h + j] = dct * fg;
}

fn cellBackward4(b: u32, j: u32, d: vec4<f32>) {
  cellBackward(b, j, d.x);
  cellBackward(b, j + 1u, d.y);
  cellBackward(b, j + 2u, d.z);
  cellBackward(b, j + 3u, d.w);
}
` +
    seqPrologue('4u * P.h', 'h4') +
    `
  ${perRow((r) => `var d${r} = vec4<f32>(0.0);`)}
  if (P.hasNext == 1u) {
    // da_{t+1} of the thread's rows, read at the same address by every thread of the workgroup
    let nb = P.tn * P.b * 4u * P.h;
    let h4 = (P.h + 3u) / 4u;
    for (var q = 0u; q < 4u * P.h; q = q + 1u) {
      let w = in5[q * h4 + jc];
      ${perRow((r) => `d${r} = d${r} + out0[nb + r${r} + q] * w;`, '\n      ')}
    }
  }
  if (4u * j >= P.h) { return; }
  ${perRow((r) => `cellBackward4(b0 + ${r}u, 4u * j, d${r});`)}
}
`,
};

/** The time step processed s-th: t = s forward, T − 1 − s in reverse. */
function stepAt(s: number, T: number, reverse: boolean): number {
  return reverse ? T - 1 - s : s;
}

/** W_hh [4H, H] repacked by `program` into a temporary buffer (released by the caller). */
function repack(be: WebGpuBackend, program: GpuProgram, w: KernelTensor, H: number): KernelTensor {
  const n = program === REPACK_BACKWARD ? 4 * H * 4 * Math.ceil(H / 4) : 4 * H * H;
  const out = be.output('lstmSequence', [n], w.dtype);
  be.dispatch(program, [w], [out], REPACK_PARAMS.pack({ n, h: H }), linearGroups(n));
  return out;
}

registerGpuKernel('lstmSequence', (inputs, attrs, be) => {
  const [gi, h0, c0, w] = inputs as [KernelTensor, KernelTensor, KernelTensor, KernelTensor];
  const [T, B, G] = gi.shape as [number, number, number];
  const H = G / 4;
  const hs = be.output('lstmSequence', [T, B, H], gi.dtype);
  const cs = be.output('lstmSequence', [T, B, H], gi.dtype);
  const gates = be.output('lstmSequence', [T, B, G], gi.dtype);
  if (T * B * H === 0) return [hs, cs, gates];
  const reverse = attrs.reverse === true;
  const wf = repack(be, REPACK_FORWARD, w, H);
  const groups: [number, number] = [Math.ceil(H / UNITS), Math.ceil(B / ROWS)];
  for (let s = 0; s < T; s++) {
    const t = stepAt(s, T, reverse);
    const tp = s > 0 ? stepAt(s - 1, T, reverse) : 0;
    const uniforms = SEQ_PARAMS.pack({
      b: B,
      h: H,
      t,
      tp,
      hasPrev: s > 0 ? 1 : 0,
      tn: 0,
      hasNext: 0,
    });
    be.dispatch(SEQ_FORWARD, [gi, wf, h0, c0], [hs, cs, gates], uniforms, groups);
  }
  be.release(wf.storage);
  return [hs, cs, gates];
});

registerGpuKernel('lstmSequenceBackward', (inputs, attrs, be) => {
  const [dhs, dcs, gates, cs, c0, w] = inputs as [
    KernelTensor,
    KernelTensor,
    KernelTensor,
    KernelTensor,
    KernelTensor,
    KernelTensor,
  ];
  const [T, B, G] = gates.shape as [number, number, number];
  const H = G / 4;
  const da = be.output('lstmSequenceBackward', [T, B, G], gates.dtype);
  const dc = be.output('lstmSequenceBackward', [B, H], gates.dtype);
  if (T * B * H === 0) return [da, dc];
  const reverse = attrs.reverse === true;
  const wb = repack(be, REPACK_BACKWARD, w, H);
  const groups: [number, number] = [Math.ceil(Math.ceil(H / 4) / UNITS), Math.ceil(B / ROWS)];
  for (let s = T - 1; s >= 0; s--) {
    const t = stepAt(s, T, reverse);
    const tp = s > 0 ? stepAt(s - 1, T, reverse) : 0;
    const tn = s < T - 1 ? stepAt(s + 1, T, reverse) : 0;
    const uniforms = SEQ_PARAMS.pack({
      b: B,
      h: H,
      t,
      tp,
      hasPrev: s > 0 ? 1 : 0,
      tn,
      hasNext: s < T - 1 ? 1 : 0,
    });
    be.dispatch(SEQ_BACKWARD, [dhs, dcs, gates, cs, c0, wb], [da, dc], uniforms, groups);
  }
  be.release(wb.storage);
  return [da, dc];
});
