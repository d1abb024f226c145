import { linearGroups, linearProgram, registerGpuKernel, wgslType } from '../webgpu/gpu-kernel.js';
import { type GpuProgram } from '../webgpu/pipeline-cache.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';

// im2col (unfold) and its adjoint col2im (fold). unfold: one thread per
// column element reads its image tap or the pad value. fold: one thread per
// image element sums the column entries of every window tap that lands on it,
// so no two threads write the same element (no atomics, deterministic).

const PARAMS = new UniformLayout([
  ['total', 'u32'],
  ['C', 'u32'],
  ['H', 'u32'],
  ['W', 'u32'],
  ['kh', 'u32'],
  ['kw', 'u32'],
  ['dh', 'u32'],
  ['dw', 'u32'],
  ['ph', 'u32'],
  ['pw', 'u32'],
  ['sh', 'u32'],
  ['sw', 'u32'],
  ['oh', 'u32'],
  ['ow', 'u32'],
  ['padValue', 'f32'],
  ['padValueInt', 'i32'],
]);

interface Geometry {
  N: number;
  C: number;
  H: number;
  W: number;
}

function uniforms(
  g: Geometry,
  attrs: Readonly<Record<string, unknown>>,
  total: number,
  pad: number,
): ArrayBuffer {
  const [kh, kw] = attrs.kernel as number[];
  const [dh, dw] = attrs.dilation as number[];
  const [ph, pw] = attrs.padding as number[];
  const [sh, sw] = attrs.stride as number[];
  const [oh, ow] = attrs.outSize as number[];
  return PARAMS.pack({
    total,
    C: g.C,
    H: g.H,
    W: g.W,
    kh: kh!,
    kw: kw!,
    dh: dh!,
    dw: dw!,
    ph: ph!,
    pw: pw!,
    sh: sh!,
    sw: sw!,
    oh: oh!,
    ow: ow!,
    padValue: pad,
    padValueInt: Math.trunc(pad) | 0,
  });
}

registerGpuKernel('unfold', (inputs, attrs, be) => {
  const x = inputs[0]!;
  const [kh, kw] = attrs.kernel as number[];
  const [oh, ow] = attrs.outSize as number[];
  const g = { N: x.shape[0]!, C: x.shape[1]!, H: x.shape[2]!, W: x.shape[3]! };
  const L = oh! * ow!;
  const rows = g.C * kh! * kw!;
  const out = be.output('unfold', [g.N, rows, L], x.dtype);
  const total = g.N * rows * L;
  const t = wgslType(x.dtype);
  const program: GpuProgram = linearProgram(`unfold/${t}`, () => ({
    inputs: [t],
    outputs: [t],
    params: PARAMS,
    body: `
  if (i >= P.total) { return; }
  let L = P.oh * P.ow;
  let rows = P.C * P.kh * P.kw;
  let l = i % L;
  let row = (i / L) % rows;
  let n = i / (L * rows);
  let kj = row % P.kw;
  let ki = (row / P.kw) % P.kh;
  let c = row / (P.kw * P.kh);
  let iy = i32((l / P.ow) * P.sh + ki * P.dh) - i32(P.ph);
  let ix = i32((l % P.ow) * P.sw + kj * P.dw) - i32(P.pw);
  if (iy >= 0 && iy < i32(P.H) && ix >= 0 && ix < i32(P.W)) {
    out0[i] = in0[((n * P.C + c) * P.H + u32(iy)) * P.W + u32(ix)];
  } else {
    out0[i] = ${t === 'f32' ? 'P.padValue' : 'P.padValueInt'};
  }`,
  }));
  be.dispatch(
    program,
    [x],
    [out],
    uniforms(g, attrs, total, attrs.padValue as number),
    linearGroups(total),
  );
  return [out];
});

registerGpuKernel('fold', (inputs, attrs, be) => {
  const cols = inputs[0]!;
  const [H, W] = attrs.imageSize as number[];
  const [kh, kw] = attrs.kernel as number[];
  const C = cols.shape[1]! / (kh! * kw!);
  const g = { N: cols.shape[0]!, C, H: H!, W: W! };
  const out = be.output('fold', [g.N, C, H!, W!], cols.dtype);
  const total = g.N * C * H! * W!;
  const t = wgslType(cols.dtype);
  const program: GpuProgram = linearProgram(`fold/${t}`, () => ({
    inputs: [t],
    outputs: [t],
    params: PARAMS,
    body: `
  if (i >= P.total) { return; }
  let x = i % P.W;
  let y = (i / P.W) % P.H;
  let c = (i / (P.W * P.H)) % P.C;
  let n = i / (P.W * P.H * P.C);
  let L = P.oh * P.ow;
  let rows = P.C * P.kh * P.kw;
  var acc = ${t}(0);
  for (var ki = 0u; ki < P.kh; ki = ki + 1u) {
    // oy·sh = y + ph − ki·dh must be a non-negative multiple of sh below oh·sh
    let ty = i32(y + P.ph) - i32(ki * P.dh);
    if (ty < 0 || u32(ty) % P.sh != 0u) { continue; }
    let oy = u32(ty) / P.sh;
    if (oy >= P.oh) { continue; }
    for (var kj = 0u; kj < P.kw; kj = kj + 1u) {
      let tx = i32(x + P.pw) - i32(kj * P.dw);
      if (tx < 0 || u32(tx) % P.sw != 0u) { continue; }
      let ox = u32(tx) / P.sw;
      if (ox >= P.ow) { continue; }
      let row = (c * P.kh + ki) * P.kw + kj;
      acc = acc + in0[(n * rows + row) * L + oy * P.ow + ox];
    }
  }
  out0[i] = acc;`,
  }));
  be.dispatch(program, [cols], [out], uniforms(g, attrs, total, 0), linearGroups(total));
  return [out];
});
