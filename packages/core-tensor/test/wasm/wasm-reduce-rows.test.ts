import { afterAll, describe, expect, it } from 'vitest';
import { argmax, argmin, configureCpu, max, mean, min, randn, sum, tensor, type Tensor } from '../../src/index.js';
import { wasmReduceRows, type RowReduction } from '../../src/wasm/wasm-reduce.js';

/** Runs `f` on the TypeScript reference kernels and on the WebAssembly SIMD kernels. */
async function bothPaths(f: () => Tensor): Promise<{ ref: Float32Array | Int32Array; fast: Float32Array | Int32Array }> {
  await configureCpu({ path: 'typescript' });
  const ref = f().dataSync() as Float32Array | Int32Array;
  await configureCpu({ path: 'wasm-simd', threads: 1 });
  const fast = f().dataSync() as Float32Array | Int32Array;
  return { ref, fast };
}

/** The same bits (any NaN equals any NaN; −0 and +0 differ). */
function expectSameBits(r: { ref: Float32Array | Int32Array; fast: Float32Array | Int32Array }): void {
  expect(r.fast.constructor).toBe(r.ref.constructor);
  expect(r.fast.length).toBe(r.ref.length);
  for (let i = 0; i < r.ref.length; i++) {
    const [want, got] = [r.ref[i]!, r.fast[i]!];
    if (Object.is(want, got) || (Number.isNaN(want) && Number.isNaN(got))) continue;
    throw new Error(`element ${i}: ${got} vs reference ${want}`);
  }
}

/**
 * Rows that break careless reductions: NaN anywhere (first, middle, last),
 * ±∞, ties of the extreme, rows of zeros of both signs (max and min must keep
 * the first zero's sign, as the sequential scan does), huge and tiny values.
 */
function salted(rows: number, n: number): Tensor {
  const x = randn([rows, n]).mul(3).dataSync() as Float32Array;
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * n, (r + 1) * n);
    switch (r % 11) {
      case 0: row[(r * 7) % n] = NaN; break;
      case 1: row.fill(0); for (let k = 0; k < n; k += 3) row[k] = -0; row[n - 1] = -0; break;
      case 2: row.fill(-0); break;
      case 3: row[0] = Infinity; row[n - 1] = -Infinity; break;
      case 4: row.fill(-5); row[n >> 1] = 2; row[n - 1] = 2; break;
      case 5: row[n - 1] = NaN; break;
      case 6: for (let k = 0; k < n; k++) row[k] = k % 2 === 0 ? 3e38 : -1e-40; break;
      case 7: row.fill(-1); row[n - 1] = -0; row[2 % n] = 0; break;
      // the first zero (−0 at 1) and a later one (+0 at 4) fall in different SIMD lanes, the later in a lower one
      case 8: row.fill(-1); row[1 % n] = -0; row[4 % n] = 0; break;
      case 9: row.fill(1); row[1 % n] = 0; row[4 % n] = -0; break;
      default: break;
    }
  }
  return tensor(x).reshape([rows, n]);
}

afterAll(() => configureCpu({ path: 'auto' }));

describe('WebAssembly SIMD reductions over the last axes equal the TypeScript kernels bit for bit', () => {
  const shapes: [number, number][] = [[37, 131], [9, 1001], [300, 1], [1, 4099], [64, 5], [18, 256]];
  const ops: Record<RowReduction, (x: Tensor) => Tensor> = {
    sum: (x) => sum(x, -1),
    max: (x) => max(x, -1),
    min: (x) => min(x, -1),
    argmax: (x) => argmax(x, -1),
    argmin: (x) => argmin(x, -1),
  };
  for (const [kind, op] of Object.entries(ops) as [RowReduction, (x: Tensor) => Tensor][]) {
    it(`${kind}: odd row lengths and counts, NaN, ±∞, ±0, ties`, async () => {
      for (const [rows, n] of shapes) {
        const x = salted(rows, n);
        // the kernel itself, not the TypeScript fallback, is what runs here
        await configureCpu({ path: 'wasm-simd', threads: 1 });
        expect(wasmReduceRows(kind, x.kernelTensor, [rows], rows, n)).not.toBeNull();
        expectSameBits(await bothPaths(() => op(x)));
      }
    });
  }

  it('reduces trailing blocks of axes, keepdims, non-contiguous inputs, and mean (sum ÷ n)', async () => {
    const x = randn([7, 3, 67]);
    expectSameBits(await bothPaths(() => sum(x, [1, 2])));
    expectSameBits(await bothPaths(() => max(x, [2, 1], true)));
    expectSameBits(await bothPaths(() => argmin(x, 2, true)));
    expectSameBits(await bothPaths(() => mean(x, -1)));
    const t = randn([131, 29]).transpose(0, 1);
    expectSameBits(await bothPaths(() => sum(t, 1)));
    expectSameBits(await bothPaths(() => argmax(t, 1)));
  });
});
