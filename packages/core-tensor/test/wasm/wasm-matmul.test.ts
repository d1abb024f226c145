import { afterAll, describe, expect, it } from 'vitest';
import { configureCpu, matmul, batchMatmul, randn, tensor, type Tensor } from '../../src/index.js';

/** Runs `f` on the exact TypeScript kernels and on the WebAssembly SIMD kernels (threads as given). */
async function bothPaths(f: () => Tensor, threads = 1): Promise<{ ref: Float32Array; fast: Float32Array }> {
  await configureCpu({ path: 'typescript' });
  const ref = f().dataSync() as Float32Array;
  await configureCpu({ path: 'wasm-simd', threads });
  const fast = f().dataSync() as Float32Array;
  return { ref, fast };
}

/**
 * |Σ_k a_ik b_kj summed in f32 − the same sum in f64| ≤ K·u·Σ_k |a_ik b_kj|
 * (u = 2⁻²⁴, the standard bound for recursive summation), plus the final
 * rounding of the reference.
 */
function expectWithinSumBound(ref: Float32Array, fast: Float32Array, absProd: Float32Array, K: number): void {
  expect(fast.length).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) {
    const bound = (K + 1) * 2 ** -24 * absProd[i]! + 1e-30;
    if (!(Math.abs(fast[i]! - ref[i]!) <= bound)) throw new Error(`element ${i}: ${fast[i]} vs ${ref[i]} (bound ${bound})`);
  }
}

afterAll(() => configureCpu({ path: 'auto' }));

describe('WebAssembly SIMD matmul against the TypeScript reference', () => {
  // edge tiles in both directions (6x8 register tile), K across the 256-deep slab, and tiny shapes below the wasm threshold
  const shapes: [number, number, number][] = [[1, 1, 1], [5, 7, 3], [6, 8, 16], [7, 9, 17], [13, 31, 29], [37, 19, 300], [64, 65, 513], [96, 40, 257]];
  for (const [M, N, K] of shapes) {
    for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`${tA ? 'Aᵀ' : 'A'}·${tB ? 'Bᵀ' : 'B'} with M=${M}, N=${N}, K=${K} agrees within the f32 summation bound`, async () => {
        const a = randn(tA ? [1, K, M] : [1, M, K]);
        const b = randn(tB ? [1, N, K] : [1, K, N]);
        const { ref, fast } = await bothPaths(() => batchMatmul(a, b, tA, tB));
        await configureCpu({ path: 'typescript' });
        const absProd = batchMatmul(a.abs(), b.abs(), tA, tB).dataSync() as Float32Array;
        expectWithinSumBound(ref, fast, absProd, K);
      });
    }
  }

  it('broadcasts a batch of one on either side, and batches of many', async () => {
    for (const [ba, bb] of [[1, 5], [5, 1], [4, 4]]) {
      const a = randn([ba, 11, 23]);
      const b = randn([bb, 23, 14]);
      const { ref, fast } = await bothPaths(() => batchMatmul(a, b));
      await configureCpu({ path: 'typescript' });
      expectWithinSumBound(ref, fast, batchMatmul(a.abs(), b.abs()).dataSync() as Float32Array, 23);
    }
  });

  it('is exact where every partial sum is representable: small integers', async () => {
    const a = tensor(Array.from({ length: 40 }, (_, i) => Array.from({ length: 33 }, (_, k) => ((i * 7 + k * 3) % 11) - 5)));
    const b = tensor(Array.from({ length: 33 }, (_, k) => Array.from({ length: 27 }, (_, j) => ((k * 5 + j) % 9) - 4)));
    const { ref, fast } = await bothPaths(() => matmul(a, b));
    expect([...fast]).toEqual([...ref]);
  });

  it('propagates NaN and infinities like the reference', async () => {
    const a = randn([12, 20]);
    const vals = a.dataSync();
    vals[3] = NaN;
    vals[45] = Infinity;
    const a2 = tensor(vals).reshape([12, 20]);
    const b = randn([20, 16]);
    const { ref, fast } = await bothPaths(() => matmul(a2, b));
    for (let i = 0; i < ref.length; i++) expect(Number.isNaN(fast[i]!)).toBe(Number.isNaN(ref[i]!));
  });

  it('gives bit-identical results on one and on two threads', async () => {
    // above the threading threshold (2^21 multiply-adds), with rows that do not split evenly into 6-row tiles
    const a = randn([3, 131, 211]);
    const b = randn([211, 97]);
    await configureCpu({ path: 'wasm-simd', threads: 1 });
    const one = new Uint32Array((matmul(a, b).dataSync() as Float32Array).buffer);
    const status = await configureCpu({ path: 'wasm-simd', threads: 2 });
    expect(status.readyHelpers).toBe(1);
    const two = new Uint32Array((matmul(a, b).dataSync() as Float32Array).buffer);
    expect(two.length).toBe(one.length);
    let differing = 0;
    for (let i = 0; i < one.length; i++) if (one[i] !== two[i]) differing++;
    expect(differing).toBe(0);
  });
});
