import { describe, expect, it } from 'vitest';
import { float16BitsToFloat32, float32ToFloat16Bits, roundToFloat16 } from '@webgrad/core-tensor';

// binary16: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits.
// The reference decoder reads the definition directly: (-1)^s · 2^(e-15) · (1 + m/1024),
// subnormals (e = 0) 2^-14 · m/1024, e = 31 Inf (m = 0) or NaN.
function referenceDecode(h: number): number {
  const s = h >> 15 ? -1 : 1;
  const e = (h >> 10) & 31;
  const m = h & 1023;
  if (e === 31) return m === 0 ? s * Infinity : NaN;
  if (e === 0) return s * Math.pow(2, -14) * (m / 1024);
  return s * Math.pow(2, e - 15) * (1 + m / 1024);
}

const f32bits = (x: number): number => new Uint32Array(new Float32Array([x]).buffer)[0]!;
const fromF32Bits = (b: number): number => new Float32Array(new Uint32Array([b]).buffer)[0]!;

describe('float16 conversion', () => {
  it('decodes every one of the 65536 half bit patterns like the definition, and encodes each back to itself', () => {
    let nans = 0;
    for (let h = 0; h < 65536; h++) {
      const v = float16BitsToFloat32(h);
      const ref = referenceDecode(h);
      if (Number.isNaN(ref)) {
        expect(Number.isNaN(v), `0x${h.toString(16)}`).toBe(true);
        // NaN stays NaN with its sign (a quiet NaN)
        const back = float32ToFloat16Bits(v);
        expect((back & 0x7c00) === 0x7c00 && (back & 0x3ff) !== 0 && (back & 0x8000) === (h & 0x8000)).toBe(true);
        nans++;
        continue;
      }
      if (!Object.is(v, ref)) expect.fail(`0x${h.toString(16)} decodes to ${v}, expected ${ref}`);
      if (float32ToFloat16Bits(v) !== h) expect.fail(`0x${h.toString(16)} round-trips to 0x${float32ToFloat16Bits(v).toString(16)}`);
    }
    expect(nans).toBe(2 * 1023);
  });

  it('rounds every float32 between two neighbouring halves to the nearer one, ties to the even mantissa', () => {
    // for each positive finite half h (and the next one up), probe float32 values just below, at and just above the midpoint
    for (let h = 0; h < 0x7bff; h += 7) {
      const lo = float16BitsToFloat32(h);
      const hi = float16BitsToFloat32(h + 1);
      const mid = (lo + hi) / 2; // exact in float32: halves have 11 significant bits
      expect(Math.fround(mid)).toBe(mid);
      const below = fromF32Bits(f32bits(mid) - 1);
      const above = fromF32Bits(f32bits(mid) + 1);
      expect(float32ToFloat16Bits(below)).toBe(h);
      expect(float32ToFloat16Bits(above)).toBe(h + 1);
      expect(float32ToFloat16Bits(mid)).toBe(h % 2 === 0 ? h : h + 1);
      expect(float32ToFloat16Bits(-mid)).toBe(0x8000 | (h % 2 === 0 ? h : h + 1));
      expect(float32ToFloat16Bits(lo)).toBe(h);
    }
  });

  it('overflows to Inf from 65520 (the midpoint above the largest half, 65504) and keeps 65519.996 finite', () => {
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(fromF32Bits(f32bits(65520) - 1))).toBe(0x7bff);
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-65520)).toBe(0xfc00);
    expect(float32ToFloat16Bits(3.4e38)).toBe(0x7c00);
    expect(float32ToFloat16Bits(Infinity)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-Infinity)).toBe(0xfc00);
  });

  it('underflows gradually through the subnormals (2^-24 is the smallest) and to signed zero below 2^-25', () => {
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0x0000); // a tie: rounds to even (zero)
    expect(float32ToFloat16Bits(Math.fround(2 ** -25 * 1.0001))).toBe(0x0001);
    expect(float32ToFloat16Bits(3 * 2 ** -25)).toBe(0x0002); // tie between 1 and 2 → 2
    expect(float32ToFloat16Bits(1e-30)).toBe(0);
    expect(float32ToFloat16Bits(-1e-30)).toBe(0x8000);
    expect(float32ToFloat16Bits(1e-45)).toBe(0); // a float32 subnormal
    expect(float32ToFloat16Bits(2 ** -14 - 2 ** -25)).toBe(0x0400); // rounds up into the normals
    expect(float32ToFloat16Bits(-0)).toBe(0x8000);
  });

  it('rounds a number to float32 first (as PyTorch converts), then to half', () => {
    expect(roundToFloat16(0.1)).toBe(0.0999755859375);
    expect(roundToFloat16(1 / 3)).toBe(0.333251953125);
    expect(roundToFloat16(2049)).toBe(2048);
    expect(roundToFloat16(2051)).toBe(2052);
    expect(Number.isNaN(roundToFloat16(NaN))).toBe(true);
  });
});
