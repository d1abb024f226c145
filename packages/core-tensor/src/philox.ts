/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
 * SC'11): a counter-based generator. Block `i` of the stream is the
 * encryption of counter (i_lo, i_hi, 0, 0) under key (seed_lo, seed_hi), so any
 * element can be computed independently — which is what lets a GPU kernel
 * reproduce the CPU's numbers exactly.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers. */
export function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const lolo = aLo * bLo;
  const hilo = aHi * bLo;
  const lohi = aLo * bHi;
  const hihi = aHi * bHi;
  const cross = (lolo >>> 16) + (hilo & 0xffff) + (lohi & 0xffff);
  return (hihi + (hilo >>> 16) + (lohi >>> 16) + (cross >>> 16)) >>> 0;
}

/** Encrypts one counter block: writes four 32-bit words to `out`. */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi32(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/** A 32-bit word to a float in [0, 1) with 24 random bits (exact in float32). */
export function wordToUniform(w: number): number {
  return (w >>> 8) * 5.9604644775390625e-8;
}

/** A 32-bit word to a float in (0, 1] (safe for log in Box–Muller). */
export function wordToUniformOpen(w: number): number {
  return ((w >>> 8) + 1) * 5.9604644775390625e-8;
}

/**
 * Fills `out` with uniform [0, 1) values: element i comes from word i % 4 of
 * block `offset + floor(i / 4)`.
 */
export function philoxUniformFill(out: { [i: number]: number; length: number }, seedLo: number, seedHi: number, offset: number): void {
  const w = new Uint32Array(4);
  for (let i = 0; i < out.length; i += 4) {
    const block = offset + i / 4;
    philox4x32(block >>> 0, Math.floor(block / 4294967296) >>> 0, 0, 0, seedLo, seedHi, w);
    for (let j = 0; j < 4 && i + j < out.length; j++) out[i + j] = wordToUniform(w[j]!);
  }
}

/**
 * Fills `out` with standard normal values by Box–Muller: block b's words
 * (w0, w1) give elements 4b, 4b+1 and (w2, w3) give 4b+2, 4b+3.
 */
export function philoxNormalFill(out: { [i: number]: number; length: number }, seedLo: number, seedHi: number, offset: number): void {
  const w = new Uint32Array(4);
  for (let i = 0; i < out.length; i += 4) {
    const block = offset + i / 4;
    philox4x32(block >>> 0, Math.floor(block / 4294967296) >>> 0, 0, 0, seedLo, seedHi, w);
    for (let pairIdx = 0; pairIdx < 2; pairIdx++) {
      const u1 = wordToUniformOpen(w[2 * pairIdx]!);
      const u2 = wordToUniform(w[2 * pairIdx + 1]!);
      const r = Math.sqrt(-2 * Math.log(u1));
      const th = 2 * Math.PI * u2;
      const e = i + 2 * pairIdx;
      if (e < out.length) out[e] = r * Math.cos(th);
      if (e + 1 < out.length) out[e + 1] = r * Math.sin(th);
    }
  }
}
