// IEEE 754 binary16 ("half") conversion. JavaScript (Node 20) has no
// Float16Array, so float16 values live in Float32Arrays on the host, each one
// exactly representable in half precision; these functions do the rounding.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The binary16 bit pattern nearest to `x` (first rounded to float32, as
 * PyTorch converts): round half to even, gradual underflow to subnormals,
 * overflow to ±Inf (from 65520 up), NaN kept quiet with its sign.
 *
 * @example
 * ```ts
 * float32ToFloat16Bits(1) === 0x3c00; float32ToFloat16Bits(65520) === 0x7c00;
 * ```
 */
export function float32ToFloat16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 112; // the half-precision biased exponent
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // subnormal half: the value in units of 2^-24 is m · 2^(e - 14)
    const shift = 14 - e;
    if (shift > 24) return sign;
    const m = mant | 0x800000;
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && (h & 1) === 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // a carry out of the mantissa steps the exponent, and from 0x7bff to Inf
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++;
  return sign | h;
}

/**
 * The number a binary16 bit pattern holds (exact: every half is a float32).
 *
 * @example
 * ```ts
 * float16BitsToFloat32(0x3c00) === 1; float16BitsToFloat32(0x0001) === 2 ** -24;
 * ```
 */
export function float16BitsToFloat32(h: number): number {
  const sign = (h & 0x8000) !== 0 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) {
    if (m === 0) return sign * Infinity;
    f32[0] = NaN;
    u32[0] = ((h & 0x8000) << 16) | 0x7f800000 | (m << 13);
    return f32[0];
  }
  return sign * (1024 + m) * 2 ** (e - 25);
}

/**
 * `x` rounded to the nearest float16 value (returned as a number).
 *
 * @example
 * ```ts
 * roundToFloat16(0.1) === 0.0999755859375;
 * ```
 */
export function roundToFloat16(x: number): number {
  return float16BitsToFloat32(float32ToFloat16Bits(x));
}

/** @internal rounds every element of `a` to float16 in place. */
export function roundArrayToFloat16(a: Float32Array | Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] = float16BitsToFloat32(float32ToFloat16Bits(a[i]!));
}

/** @internal the binary16 bit patterns of `values`, padded to whole 32-bit words. */
export function encodeFloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length + (values.length & 1));
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]!);
  return out;
}

/** @internal the values of `size` binary16 bit patterns. */
export function decodeFloat16(bits: Uint16Array, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = float16BitsToFloat32(bits[i]!);
  return out;
}
