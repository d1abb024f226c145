import type { DType } from '../dtype.js';
import { sizeOf } from '../shape.js';
import { linearGroups, linearProgram, registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { type GpuProgram } from '../webgpu/pipeline-cache.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';

// Philox4x32-10 on the GPU, word for word the CPU's `philox.ts`: thread t
// encrypts counter block `offset + t` under the seed and writes elements
// 4t..4t+3, so both backends draw the same stream. Uniform draws are exact
// (24-bit fractions); integer draws are computed in integer arithmetic
// (floor(low + range·k/2²⁴) with a 64-bit product), so randint matches bit
// for bit; normal draws use Box–Muller with a careful log and a sin/cos of
// 2π·u reduced exactly to a quarter turn, within a few float32 ulps of the
// CPU's double-precision result.

const PARAMS = new UniformLayout([
  ['n', 'u32'],
  ['seedLo', 'u32'],
  ['seedHi', 'u32'],
  ['offsetLo', 'u32'],
  ['offsetHi', 'u32'],
  ['a', 'f32'],
  ['b', 'f32'],
  ['ai', 'i32'],
  ['bi', 'u32'],
]);

const PHILOX_WGSL = /* wgsl */ `
fn mulhi(a: u32, b: u32) -> u32 {
  let aLo = a & 0xffffu;
  let aHi = a >> 16u;
  let bLo = b & 0xffffu;
  let bHi = b >> 16u;
  let lolo = aLo * bLo;
  let hilo = aHi * bLo;
  let lohi = aLo * bHi;
  let hihi = aHi * bHi;
  let cross = (lolo >> 16u) + (hilo & 0xffffu) + (lohi & 0xffffu);
  return hihi + (hilo >> 16u) + (lohi >> 16u) + (cross >> 16u);
}

fn philox(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = counter;
  var k = key;
  for (var r = 0; r < 10; r = r + 1) {
    let hi0 = mulhi(0xd2511f53u, c.x);
    let lo0 = 0xd2511f53u * c.x;
    let hi1 = mulhi(0xcd9e8d57u, c.z);
    let lo1 = 0xcd9e8d57u * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return c;
}

fn block(t: u32) -> vec4<u32> {
  let lo = P.offsetLo + t;
  let carry = select(0u, 1u, lo < t);
  return philox(vec4<u32>(lo, P.offsetHi + carry, 0u, 0u), vec2<u32>(P.seedLo, P.seedHi));
}
`;

const NORMAL_WGSL = /* wgsl */ `
// (cos, sin) of 2π·u for u = k/2²⁴ in [0, 1): u − q/4 is exact, leaving |angle| ≤ π/4
fn cosSin2Pi(u: f32) -> vec2<f32> {
  let q = round(u * 4.0);
  let a = (u - q * 0.25) * 6.28318530717958647;
  let a2 = a * a;
  let s = a + a * a2 * (-0.16666666666666666 + a2 * (0.008333333333333333 + a2 * (-0.0001984126984126984 + a2 * 2.7557319223985893e-06)));
  let c = 1.0 + a2 * (-0.5 + a2 * (0.041666666666666664 + a2 * (-0.001388888888888889 + a2 * (2.48015873015873e-05 + a2 * -2.755731922398589e-07))));
  let qi = u32(q) % 4u;
  if (qi == 0u) { return vec2<f32>(c, s); }
  if (qi == 1u) { return vec2<f32>(-s, c); }
  if (qi == 2u) { return vec2<f32>(-c, -s); }
  return vec2<f32>(s, -c);
}

fn boxMuller(w0: u32, w1: u32) -> vec2<f32> {
  let u1 = f32((w0 >> 8u) + 1u) * 5.9604644775390625e-8;
  let u2 = f32(w1 >> 8u) * 5.9604644775390625e-8;
  let r = sqrt(-2.0 * webgrad_log(u1));
  return r * cosSin2Pi(u2);
}
`;

function program(kind: 'uniform' | 'normal', dtype: DType): GpuProgram {
  const int = dtype === 'int32';
  const t = int ? 'i32' : 'f32';
  let values: string;
  if (kind === 'normal')
    values =
      'let z01 = boxMuller(w.x, w.y); let z23 = boxMuller(w.z, w.w); let v = vec4<f32>(z01, z23);';
  else if (int) values = '';
  else values = 'let v = vec4<f32>(w >> vec4<u32>(8u)) * 5.9604644775390625e-8;';
  // integer draws: low + floor(range · k / 2^24) with the 64-bit product range · k
  const store = int
    ? `let k = w[j] >> 8u;
      let hi = mulhi(P.bi, k);
      let lo = P.bi * k;
      out0[e] = P.ai + bitcast<i32>((hi << 8u) | (lo >> 24u));`
    : `out0[e] = P.a + P.b * v[j];`;
  return linearProgram(`random/${kind}/${t}`, () => ({
    inputs: [],
    outputs: [t],
    params: PARAMS,
    header: PHILOX_WGSL + (kind === 'normal' ? NORMAL_WGSL : ''),
    body: `
  if (i * 4u >= P.n) { return; }
  let w = block(i);
  ${values}
  for (var j = 0u; j < 4u; j = j + 1u) {
    let e = i * 4u + j;
    if (e < P.n) {
      ${store}
    }
  }`,
  }));
}

function randomKernel(kind: 'uniform' | 'normal') {
  const op = kind === 'uniform' ? 'randomUniform' : 'randomNormal';
  registerGpuKernel(op, (_inputs, attrs, be) => {
    const shape = attrs.shape as number[];
    const dtype = attrs.dtype as DType;
    const out = be.output(op, shape, dtype);
    const n = sizeOf(shape);
    const offset = attrs.offset as number;
    const a = attrs.a as number;
    const b = attrs.b as number;
    const uniforms = PARAMS.pack({
      n,
      seedLo: attrs.seedLo as number,
      seedHi: attrs.seedHi as number,
      offsetLo: offset >>> 0,
      offsetHi: Math.floor(offset / 4294967296) >>> 0,
      a,
      b,
      ai: Math.trunc(a) | 0,
      bi: Math.min(0xffffffff, Math.max(0, Math.trunc(b))) >>> 0,
    });
    be.dispatch(program(kind, dtype), [], [out], uniforms, linearGroups(Math.ceil(n / 4)));
    return [out];
  });
}

randomKernel('uniform');
randomKernel('normal');
