import type { KernelTensor } from '../backend.js';
import { linearGroups, linearProgram, registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { bindingDecls, type GpuProgram } from '../webgpu/pipeline-cache.js';
import { dimAt, MAX_UNIFORM_RANK, UniformLayout } from '../webgpu/uniform-layout.js';

// Fused scaled dot-product attention (FlashAttention-style) on WebGPU.
//
// Forward, `scaledDotProductAttention`: [q [B, L, E], k [B, S, E], v [B, S, Ev], mask] →
// [o [B, L, Ev], lse [B, L]]. A workgroup owns 16 queries of one batch and walks the keys
// in tiles of 16: the 16×16 scores s = scale·q·kᵀ + mask (−∞ above the diagonal when causal)
// live in workgroup memory only; each row keeps its running maximum m and sum l (the online
// softmax: a new tile with maximum m′ rescales what is there by exp(m − m′)), and the
// unnormalised output accumulates in the output buffer itself (each element always belongs
// to the same thread), so no L×S matrix exists anywhere. lse = m + log l is what the
// backward pass needs to rebuild any tile of the weights: p = exp(s − lse).
//
// Backward, `scaledDotProductAttentionBackward`: [dO, q, k, v, o, lse, mask] → [dq, dk, dv]
// in three dispatches (FlashAttention-2): D = rowsum(dO ⊙ o); per query tile
// dq = scale·Σⱼ p(dp − D)·kⱼ with dp = dO·vⱼ; per key tile dv = Σᵢ p·dOᵢ and
// dk = scale·Σᵢ p(dp − D)·qᵢ. Each output is written by one workgroup, so no atomics.
//
// The mask (always bound; no mask is a zero mask of ones-shape) is additive float32 in its own broadcast shape [..., Lm, Sm] (rank padded to the
// batch rank + 2): its strides, 0 along broadcast axes, travel in the uniforms.

const PARAMS = new UniformLayout([
  ['L', 'u32'],
  ['S', 'u32'],
  ['E', 'u32'],
  ['Ev', 'u32'],
  ['scale', 'f32'],
  ['causal', 'u32'],
  ['nb', 'u32'],
  ['pad', 'u32'],
  ['bshape', 'dims'],
  ['mstr', 'dims'],
]);

/** Queries (and keys) per tile; a workgroup is T×T threads. */
const T = 16;

/** The largest batch rank the kernels take (the mask's strides need two more slots). */
export const ATTENTION_MAX_BATCH_RANK = MAX_UNIFORM_RANK - 2;

/**
 * WGSL: `maskBase(b)`, the mask's offset for flat batch index b, and `score(b, i, j, mb)`,
 * scale·qᵢ·kⱼ + mask (−∞ for a future key when causal). `q` and `k` name the bindings.
 */
function scoreFns(q: string, k: string, mask: string): string {
  return `
fn maskBase(b: u32) -> u32 {
  var rem = b;
  var off = 0u;
  for (var d = i32(P.nb) - 1; d >= 0; d = d - 1) {
    let n = ${dimAt('bshape', 'u32(d)')};
    off = off + (rem % n) * ${dimAt('mstr', 'u32(d)')};
    rem = rem / n;
  }
  return off;
}
fn score(b: u32, i: u32, j: u32, mb: u32) -> f32 {
  if (P.causal != 0u && j > i) { return -webgrad_inf(); }
  let qo = (b * P.L + i) * P.E;
  let ko = (b * P.S + j) * P.E;
  var dot = 0.0;
  for (var e = 0u; e < P.E; e = e + 1u) { dot = dot + ${q}[qo + e] * ${k}[ko + e]; }
  var s = dot * P.scale;
  s = s + ${mask}[mb + i * ${dimAt('mstr', 'P.nb')} + j * ${dimAt('mstr', 'P.nb + 1u')}];
  return s;
}
fn shiftMax(m: f32) -> f32 { if (m == -webgrad_inf()) { return 0.0; } return m; }
`;
}

/** The entry point of every attention program: a T×T workgroup; b (the batch) is the y workgroup. */
const TILE_MAIN = `@compute @workgroup_size(${T}, ${T})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let b = wid.y;
`;

/**
 * An attention program: `inputs` and `outputs` f32 bindings, the uniform block, `header`
 * (the score functions and helpers) and `body`, whose entry point starts with `TILE_MAIN`.
 */
function tileProgram(
  key: string,
  inputs: number,
  outputs: number,
  header: string,
  body: string,
): GpuProgram {
  const f32 = (n: number): string[] => new Array<string>(n).fill('f32');
  return {
    key,
    inputs,
    outputs,
    source: () => bindingDecls(f32(inputs), f32(outputs), PARAMS.wgsl) + header + body,
  };
}

/** [q, k, v, mask] → [o, lse]. */
const forwardProgram = tileProgram(
  'attention/forward',
  4,
  2,
  scoreFns('in0', 'in1', 'in3'),
  `
var<workgroup> Ps: array<f32, ${T * T}>;
var<workgroup> rowM: array<f32, ${T}>;
var<workgroup> rowL: array<f32, ${T}>;
var<workgroup> rowAlpha: array<f32, ${T}>;

${TILE_MAIN}  let q0 = wid.x * ${T}u;
  let qi = lid.y;
  let i = q0 + qi;
  let rowOk = i < P.L;
  let oOff = (b * P.L + i) * P.Ev;
  if (rowOk) { for (var e = lid.x; e < P.Ev; e = e + ${T}u) { out0[oOff + e] = 0.0; } }
  if (lid.x == 0u) { rowM[qi] = -webgrad_inf(); rowL[qi] = 0.0; }
  let mb = maskBase(b);
  var kEnd = P.S;
  if (P.causal != 0u) { kEnd = min(P.S, q0 + ${T}u); }
  for (var s0 = 0u; s0 < kEnd; s0 = s0 + ${T}u) {
    let j = s0 + lid.x;
    var sc = -webgrad_inf();
    if (rowOk && j < P.S) { sc = score(b, i, j, mb); }
    Ps[qi * ${T}u + lid.x] = sc;
    workgroupBarrier();
    if (lid.x == 0u) {
      let mOld = rowM[qi];
      var mx = mOld;
      for (var c = 0u; c < ${T}u; c = c + 1u) { mx = max(mx, Ps[qi * ${T}u + c]); }
      let ms = shiftMax(mx);
      var sum = 0.0;
      for (var c = 0u; c < ${T}u; c = c + 1u) {
        let pv = exp(Ps[qi * ${T}u + c] - ms);
        Ps[qi * ${T}u + c] = pv;
        sum = sum + pv;
      }
      // nothing accumulated yet (mOld = −∞) rescales by 0, never by exp(−∞ − m) = NaN or ∞
      var alpha = 0.0;
      if (mOld != -webgrad_inf()) { alpha = exp(mOld - ms); }
      rowL[qi] = rowL[qi] * alpha + sum;
      rowM[qi] = mx;
      rowAlpha[qi] = alpha;
    }
    workgroupBarrier();
    if (rowOk) {
      let cn = min(${T}u, P.S - s0);
      let alpha = rowAlpha[qi];
      for (var e = lid.x; e < P.Ev; e = e + ${T}u) {
        var acc = out0[oOff + e] * alpha;
        for (var c = 0u; c < cn; c = c + 1u) { acc = acc + Ps[qi * ${T}u + c] * in2[(b * P.S + s0 + c) * P.Ev + e]; }
        out0[oOff + e] = acc;
      }
    }
    workgroupBarrier();
  }
  if (rowOk) {
    let l = rowL[qi];
    for (var e = lid.x; e < P.Ev; e = e + ${T}u) { out0[oOff + e] = out0[oOff + e] / l; }
    if (lid.x == 0u) { out1[b * P.L + i] = shiftMax(rowM[qi]) + webgrad_log(l); }
  }
}
`,
);

/**
 * (lse, D = rowsum(dO ⊙ o)) interleaved per row, one thread per row: [dO, o, lse] → [lseD]
 * (one binding for both keeps the gradient kernels within 8 storage buffers).
 */
const rowDotProgram = linearProgram('attention/rowdot', () => ({
  inputs: ['f32', 'f32', 'f32'],
  outputs: ['f32'],
  params: PARAMS,
  body: `
  if (i >= P.L) { return; }
  var acc = 0.0;
  for (var e = 0u; e < P.Ev; e = e + 1u) { acc = acc + in0[i * P.Ev + e] * in1[i * P.Ev + e]; }
  out0[2u * i] = in2[i];
  out0[2u * i + 1u] = acc;`,
}));

/** WGSL: p and ds = p·(dO·vⱼ − D) of query i and key j; inputs are dO, q, k, v, lseD, mask. */
const GRAD_FNS = `
struct PDs { p: f32, ds: f32 }
fn pds(b: u32, i: u32, j: u32, mb: u32) -> PDs {
  let sc = score(b, i, j, mb);
  var r: PDs;
  r.p = 0.0;
  r.ds = 0.0;
  if (sc == -webgrad_inf()) { return r; }
  let row = b * P.L + i;
  r.p = exp(sc - in4[2u * row]);
  let go = row * P.Ev;
  let vo = (b * P.S + j) * P.Ev;
  var dp = 0.0;
  for (var e = 0u; e < P.Ev; e = e + 1u) { dp = dp + in0[go + e] * in3[vo + e]; }
  r.ds = r.p * (dp - in4[2u * row + 1u]);
  return r;
}
`;

/** Inputs of both gradient programs: dO, q, k, v, lseD, mask. */
const GRAD_INPUTS = 6;

/** dq per query tile: [dO, q, k, v, lseD, mask] → [dq]. */
const gradQProgram = tileProgram(
  'attention/grad-q',
  GRAD_INPUTS,
  1,
  scoreFns('in1', 'in2', 'in5') + GRAD_FNS,
  `
var<workgroup> DS: array<f32, ${T * T}>;

${TILE_MAIN}  let q0 = wid.x * ${T}u;
  let qi = lid.y;
  let i = q0 + qi;
  let rowOk = i < P.L;
  let qOff = (b * P.L + i) * P.E;
  if (rowOk) { for (var e = lid.x; e < P.E; e = e + ${T}u) { out0[qOff + e] = 0.0; } }
  let mb = maskBase(b);
  var kEnd = P.S;
  if (P.causal != 0u) { kEnd = min(P.S, q0 + ${T}u); }
  for (var s0 = 0u; s0 < kEnd; s0 = s0 + ${T}u) {
    let j = s0 + lid.x;
    var ds = 0.0;
    if (rowOk && j < P.S) { ds = pds(b, i, j, mb).ds; }
    DS[qi * ${T}u + lid.x] = ds;
    workgroupBarrier();
    if (rowOk) {
      let cn = min(${T}u, P.S - s0);
      for (var e = lid.x; e < P.E; e = e + ${T}u) {
        var acc = out0[qOff + e];
        for (var c = 0u; c < cn; c = c + 1u) { acc = acc + DS[qi * ${T}u + c] * in2[(b * P.S + s0 + c) * P.E + e]; }
        out0[qOff + e] = acc;
      }
    }
    workgroupBarrier();
  }
  if (rowOk) { for (var e = lid.x; e < P.E; e = e + ${T}u) { out0[qOff + e] = out0[qOff + e] * P.scale; } }
}
`,
);

/** dk and dv per key tile: [dO, q, k, v, lseD, mask] → [dk, dv]. */
const gradKVProgram = tileProgram(
  'attention/grad-kv',
  GRAD_INPUTS,
  2,
  scoreFns('in1', 'in2', 'in5') + GRAD_FNS,
  `
var<workgroup> Pt: array<f32, ${T * T}>;
var<workgroup> DSt: array<f32, ${T * T}>;

${TILE_MAIN}  let s0 = wid.x * ${T}u;
  let kj = lid.y;
  let j = s0 + kj;
  let colOk = j < P.S;
  let kOff = (b * P.S + j) * P.E;
  let vOff = (b * P.S + j) * P.Ev;
  if (colOk) {
    for (var e = lid.x; e < P.E; e = e + ${T}u) { out0[kOff + e] = 0.0; }
    for (var e = lid.x; e < P.Ev; e = e + ${T}u) { out1[vOff + e] = 0.0; }
  }
  let mb = maskBase(b);
  var qStart = 0u;
  if (P.causal != 0u) { qStart = s0; }
  for (var q0 = qStart; q0 < P.L; q0 = q0 + ${T}u) {
    let i = q0 + lid.x;
    var r: PDs;
    r.p = 0.0;
    r.ds = 0.0;
    if (colOk && i < P.L) { r = pds(b, i, j, mb); }
    Pt[kj * ${T}u + lid.x] = r.p;
    DSt[kj * ${T}u + lid.x] = r.ds;
    workgroupBarrier();
    if (colOk) {
      let cn = min(${T}u, P.L - q0);
      for (var e = lid.x; e < P.Ev; e = e + ${T}u) {
        var acc = out1[vOff + e];
        for (var c = 0u; c < cn; c = c + 1u) { acc = acc + Pt[kj * ${T}u + c] * in0[(b * P.L + q0 + c) * P.Ev + e]; }
        out1[vOff + e] = acc;
      }
      for (var e = lid.x; e < P.E; e = e + ${T}u) {
        var acc = out0[kOff + e];
        for (var c = 0u; c < cn; c = c + 1u) { acc = acc + DSt[kj * ${T}u + c] * in1[(b * P.L + q0 + c) * P.E + e]; }
        out0[kOff + e] = acc;
      }
    }
    workgroupBarrier();
  }
  if (colOk) { for (var e = lid.x; e < P.E; e = e + ${T}u) { out0[kOff + e] = out0[kOff + e] * P.scale; } }
}
`,
);

/** The uniform block of one attention call, from the kernel inputs and attributes. */
function packParams(
  q: KernelTensor,
  k: KernelTensor,
  v: KernelTensor,
  attrs: Readonly<Record<string, unknown>>,
  rowsAsL = false,
): ArrayBuffer {
  const batchShape = attrs.batchShape as number[];
  const maskStrides = attrs.maskStrides as number[];
  const B = q.shape[0]!;
  return PARAMS.pack({
    L: rowsAsL ? B * q.shape[1]! : q.shape[1]!,
    S: k.shape[1]!,
    E: q.shape[2]!,
    Ev: v.shape[2]!,
    scale: attrs.scale as number,
    causal: attrs.causal === true ? 1 : 0,
    nb: batchShape.length,
    pad: 0,
    bshape: batchShape,
    mstr: maskStrides,
  });
}

registerGpuKernel('scaledDotProductAttention', (inputs, attrs, be) => {
  const [q, k, v] = inputs as [KernelTensor, KernelTensor, KernelTensor];
  const [B, L] = [q.shape[0]!, q.shape[1]!];
  const o = be.output('scaledDotProductAttention', [B, L, v.shape[2]!], q.dtype);
  const lse = be.output('scaledDotProductAttention', [B, L], q.dtype);
  if (B * L === 0) return [o, lse];
  be.dispatch(forwardProgram, inputs, [o, lse], packParams(q, k, v, attrs), [Math.ceil(L / T), B]);
  return [o, lse];
});

registerGpuKernel('scaledDotProductAttentionBackward', (inputs, attrs, be) => {
  const [dO, q, k, v, o, lse, mask] = inputs as [
    KernelTensor,
    KernelTensor,
    KernelTensor,
    KernelTensor,
    KernelTensor,
    KernelTensor,
    KernelTensor,
  ];
  const [B, L, S] = [q.shape[0]!, q.shape[1]!, k.shape[1]!];
  const op = 'scaledDotProductAttentionBackward';
  const dq = be.output(op, q.shape, q.dtype);
  const dk = be.output(op, k.shape, k.dtype);
  const dv = be.output(op, v.shape, v.dtype);
  // the frontend sends no empty query or key sets here (it takes the composed path)
  if (B * L === 0 || B * S === 0) return [dq, dk, dv];
  const lseD = be.output(op, [B, L, 2], q.dtype);
  be.dispatch(
    rowDotProgram,
    [dO, o, lse],
    [lseD],
    packParams(q, k, v, attrs, true),
    linearGroups(B * L),
  );
  const uniforms = packParams(q, k, v, attrs);
  const ins = [dO, q, k, v, lseD, mask];
  be.dispatch(gradQProgram, ins, [dq], uniforms, [Math.ceil(L / T), B]);
  be.dispatch(gradKVProgram, ins, [dk, dv], uniforms, [Math.ceil(S / T), B]);
  be.release(lseD.storage);
  return [dq, dk, dv];
});
