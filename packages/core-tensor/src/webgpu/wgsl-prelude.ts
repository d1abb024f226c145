/**
 * WGSL functions the elementwise table's `wgsl` formulas call
 * (`webgrad_erf`, `webgrad_tanh`, ...). WGSL's builtins are allowed to be
 * loose (finite-math assumptions, pow undefined for negative bases), so the
 * ones where the CPU reference is exact are written out here with explicit
 * NaN/Inf handling on the bit patterns.
 */
export const WGSL_PRELUDE = /* wgsl */ `
fn webgrad_isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn webgrad_isinf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
// private variables, not constants: a constant NaN/Inf is a WGSL compile error
var<private> webgrad_nan_bits: u32 = 0x7fc00000u;
var<private> webgrad_inf_bits: u32 = 0x7f800000u;
fn webgrad_nan() -> f32 { return bitcast<f32>(webgrad_nan_bits); }
fn webgrad_inf() -> f32 { return bitcast<f32>(webgrad_inf_bits); }

fn webgrad_sign(x: f32) -> f32 { if (webgrad_isnan(x)) { return x; } return sign(x); }
// truth value of a float: non-zero, and NaN is true (as in C and PyTorch)
fn webgrad_truthy(x: f32) -> bool { return x != 0.0 || webgrad_isnan(x); }

// natural log to about 1 ulp everywhere (fdlibm's logf); WGSL's log is only
// accurate to 2^-21 absolute near 1, which ruins log-likelihoods and log1p
fn webgrad_log(x: f32) -> f32 {
  if (webgrad_isnan(x) || x < 0.0) { return webgrad_nan(); }
  if (x == 0.0) { return -webgrad_inf(); }
  if (webgrad_isinf(x)) { return x; }
  var bits = bitcast<u32>(x);
  var e = 0;
  if (bits < 0x00800000u) {
    // subnormal: scale up by 2^25
    bits = bitcast<u32>(x * 33554432.0);
    e = -25;
  }
  e = e + i32(bits >> 23u) - 127;
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if (m > 1.41421356) { m = m * 0.5; e = e + 1; }
  let f = m - 1.0;
  let s = f / (2.0 + f);
  let z = s * s;
  let w = z * z;
  let R = z * (0.66666662693 + w * 0.28498786688) + w * (0.40000972152 + w * 0.24279078841);
  let hfsq = 0.5 * f * f;
  let dk = f32(e);
  return dk * 6.9313812256e-01 - ((hfsq - (s * (hfsq + R) + dk * 9.0580006145e-06)) - f);
}

// log(1 + x) accurate near 0 (Goldberg's trick: the rounding of 1 + x cancels).
fn webgrad_log1p(x: f32) -> f32 {
  if (webgrad_isnan(x)) { return x; }
  if (x == webgrad_inf()) { return x; }
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  if (u == 0.0) { return -webgrad_inf(); }
  if (u < 0.0) { return webgrad_nan(); }
  if (x > 1e7) { return webgrad_log(x); }
  return webgrad_log(u) * (x / (u - 1.0));
}

// exp(x) - 1 accurate near 0 (Kahan's trick).
fn webgrad_expm1(x: f32) -> f32 {
  if (webgrad_isnan(x)) { return x; }
  if (x > 88.72284) { return webgrad_inf(); }
  if (x < -17.0) { return -1.0; }
  if (abs(x) < 1e-5) { return x + 0.5 * x * x; }
  let u = exp(x);
  if (abs(x) > 0.5) { return u - 1.0; }
  let um1 = u - 1.0;
  if (um1 == 0.0) { return x; }
  return um1 * x / webgrad_log(u);
}

// tanh without overflow and with full relative accuracy near 0.
fn webgrad_tanh(x: f32) -> f32 {
  if (webgrad_isnan(x)) { return x; }
  let ax = abs(x);
  if (ax > 9.1) { return sign(x); }
  let e = webgrad_expm1(-2.0 * ax);
  return sign(x) * (-e / (2.0 + e));
}

fn webgrad_sigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}

// erf: Taylor series near 0, Numerical Recipes' erfc fit elsewhere (the CPU's formula).
fn webgrad_erf(x: f32) -> f32 {
  if (webgrad_isnan(x)) { return x; }
  let z = abs(x);
  if (z < 0.5) {
    let x2 = x * x;
    return 1.1283791670955126 * x * (1.0 + x2 * (-0.3333333333333333 + x2 * (0.1 + x2 * (-0.023809523809523808 + x2 * (0.004629629629629629 + x2 * -0.0007575757575757576)))));
  }
  if (z > 10.0) { return sign(x); }
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(r - 1.0, 1.0 - r, x >= 0.0);
}

fn webgrad_is_integral(y: f32) -> bool { return floor(y) == y && !webgrad_isinf(y); }

// x^n by squaring for a small integral n (exact for squares, a few ulp otherwise).
fn webgrad_powi(x: f32, n: i32) -> f32 {
  var base = x;
  var e = u32(abs(n));
  var r = 1.0;
  loop {
    if (e == 0u) { break; }
    if ((e & 1u) == 1u) { r = r * base; }
    base = base * base;
    e = e >> 1u;
  }
  return select(r, 1.0 / r, n < 0);
}

// x^y with the semantics of C's pow (and PyTorch, and JavaScript's Math.pow
// except Math.pow(±1, ±Inf/NaN) = NaN): negative bases give real results for
// integral exponents and NaN otherwise.
fn webgrad_pow(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (webgrad_isnan(x) || webgrad_isnan(y)) { return webgrad_nan(); }
  let ax = abs(x);
  if (webgrad_isinf(y)) {
    if (ax == 1.0) { return webgrad_nan(); }
    return select(0.0, webgrad_inf(), (ax > 1.0) == (y > 0.0));
  }
  let integral = floor(y) == y;
  let odd = integral && abs(y) < 16777216.0 && (i32(abs(y)) & 1) == 1;
  // the sign bit of x also covers -0
  let negative = (bitcast<u32>(x) & 0x80000000u) != 0u;
  if (ax == 0.0 || webgrad_isinf(ax)) {
    let r = select(0.0, webgrad_inf(), (ax == 0.0) != (y > 0.0));
    return select(r, -r, odd && negative);
  }
  if (x < 0.0 && !integral) { return webgrad_nan(); }
  if (integral && abs(y) <= 64.0) { return webgrad_powi(x, i32(y)); }
  let r = exp2(y * log2(ax));
  return select(r, -r, odd && negative);
}

// integer power with wrap-around; negative exponents truncate toward zero like
// storing Math.pow's result into an Int32Array (1/x is 0 unless |x| = 1).
fn webgrad_ipow(x: i32, y: i32) -> i32 {
  if (y < 0) {
    if (x == 1) { return 1; }
    if (x == -1) { return select(1, -1, (y & 1) == 1); }
    return 0;
  }
  var base = x;
  var e = u32(y);
  var r = 1;
  loop {
    if (e == 0u) { break; }
    if ((e & 1u) == 1u) { r = r * base; }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}

// minimum/maximum that propagate NaN, as PyTorch's do.
fn webgrad_minimum(x: f32, y: f32) -> f32 {
  if (webgrad_isnan(x) || webgrad_isnan(y)) { return webgrad_nan(); }
  return min(x, y);
}
fn webgrad_maximum(x: f32, y: f32) -> f32 {
  if (webgrad_isnan(x) || webgrad_isnan(y)) { return webgrad_nan(); }
  return max(x, y);
}

// round half to even (WGSL's round is specified that way; this does not rely on it).
fn webgrad_round(x: f32) -> f32 {
  let r = floor(x + 0.5);
  if (r - x == 0.5 && (r * 0.5) != floor(r * 0.5)) { return r - 1.0; }
  return select(r, x, abs(x) >= 8388608.0 || webgrad_isnan(x));
}

// A C cast from f32 to i32 as JavaScript's (x | 0) does it: truncate toward
// zero, wrap modulo 2^32, NaN and Inf give 0.
fn webgrad_f32_to_i32(x: f32) -> i32 {
  if (webgrad_isnan(x) || webgrad_isinf(x)) { return 0; }
  let t = trunc(x);
  if (abs(t) < 2147483648.0) { return i32(t); }
  let m = t - 4294967296.0 * floor(t / 4294967296.0);
  return bitcast<i32>(u32(m));
}
`;

interface PreludeChunk {
  readonly name: string;
  readonly text: string;
}

/** The prelude cut into its declarations (each with the comment above it). */
const CHUNKS: readonly PreludeChunk[] = (() => {
  const out: PreludeChunk[] = [];
  let pending = '';
  for (const block of WGSL_PRELUDE.split(/\n(?=\/\/|fn |var<private> )/)) {
    const m = /^(?:fn|var<private>) (webgrad_\w+)/.exec(block);
    if (m === null) {
      pending += `${block}\n`;
      continue;
    }
    out.push({ name: m[1]!, text: `${pending}${block}\n` });
    pending = '';
  }
  return out;
})();

/**
 * `source` with the prelude declarations it uses (directly or through other
 * prelude functions) in front. Shaders carry only what they call: every
 * function in a module is compiled, and software adapters compile slowly.
 */
export function withPrelude(source: string): string {
  const needed = new Set<string>();
  const visit = (text: string): void => {
    for (const [name] of text.matchAll(/webgrad_\w+/g)) {
      if (needed.has(name)) continue;
      const chunk = CHUNKS.find((c) => c.name === name);
      if (chunk === undefined) continue;
      needed.add(name);
      visit(chunk.text.replace(new RegExp(`^(?:fn|var<private>) ${name}\\b`, 'm'), ''));
    }
  };
  visit(source);
  // directives (`enable subgroups;`) must stay before every declaration
  const directives = /^(?:\s*enable [\w, ]+;)+/.exec(source)?.[0] ?? '';
  return (
    directives +
    CHUNKS.filter((c) => needed.has(c.name))
      .map((c) => c.text)
      .join('') +
    source.slice(directives.length)
  );
}
