import { afterAll, describe, expect, it } from 'vitest';
import { add, configureCpu, div, maximum, minimum, mul, neg, abs, relu, sqrt, square, sub, randn, tensor, type Tensor } from '../../src/index.js';

async function bothPaths(f: () => Tensor): Promise<{ ref: Uint32Array; fast: Uint32Array; refValues: Float32Array }> {
  await configureCpu({ path: 'typescript' });
  const refValues = f().dataSync() as Float32Array;
  await configureCpu({ path: 'wasm-simd', threads: 1 });
  const fast = f().dataSync() as Float32Array;
  return { ref: new Uint32Array(refValues.buffer), fast: new Uint32Array(fast.buffer), refValues };
}

/** Bit-for-bit equality, except that any NaN equals any NaN (payloads are not specified). */
function expectSameBits(r: { ref: Uint32Array; fast: Uint32Array; refValues: Float32Array }): void {
  expect(r.fast.length).toBe(r.ref.length);
  const fv = new Float32Array(r.fast.buffer);
  for (let i = 0; i < r.ref.length; i++) {
    if (Number.isNaN(r.refValues[i]!) && Number.isNaN(fv[i]!)) continue;
    if (r.ref[i] !== r.fast[i]) throw new Error(`element ${i}: ${fv[i]} vs reference ${r.refValues[i]}`);
  }
}

/** Random values salted with the cases that differ between careless implementations: ±0, ±∞, NaN, tiny and huge. */
function special(shape: number[]): Tensor {
  const x = randn(shape).dataSync() as Float32Array;
  const salt = [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 3e38, -3e38, 1, -1];
  for (let i = 0; i < x.length; i += 7) x[i] = salt[(i / 7) % salt.length]!;
  return tensor(x).reshape(shape);
}

afterAll(() => configureCpu({ path: 'auto' }));

const binaries = { add, sub, mul, div, maximum, minimum };
const unaries = { neg, abs, relu, sqrt, square };

describe('WebAssembly SIMD elementwise kernels equal the TypeScript kernels bit for bit', () => {
  for (const [name, op] of Object.entries(binaries)) {
    it(`${name}: same shape (odd length), scalar on either side, and broadcast rows`, async () => {
      const x = special([19, 37]);
      const y = special([19, 37]).flip(0);
      const row = special([37]);
      const col = special([19, 1]);
      const batch = special([3, 19, 37]);
      expectSameBits(await bothPaths(() => op(x, y)));
      expectSameBits(await bothPaths(() => op(x, 0.3)));
      expectSameBits(await bothPaths(() => op(-2.5, x)));
      expectSameBits(await bothPaths(() => op(x, row)));
      expectSameBits(await bothPaths(() => op(col, batch)));
    });
  }
  for (const [name, op] of Object.entries(unaries)) {
    it(`${name} over ±0, ±∞, NaN, subnormals and odd lengths`, async () => {
      for (const n of [257, 1000, 1003]) {
        const x = special([n]);
        expectSameBits(await bothPaths(() => op(x)));
      }
    });
  }
});
