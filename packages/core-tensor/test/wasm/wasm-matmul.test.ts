import { afterAll, describe, expect, it } from 'vitest';
import { configureCpu, matmul, batchMatmul, randn, tensor, type Tensor } from '../../src/index.js';
import { getWasmRuntime } from '../../src/wasm/wasm-runtime.js';
import { WORKER_JOBS } from '../../src/wasm/wasm-thread-pool.js';

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

  it('gives bit-identical results on one, two and three threads', async () => {
    // above the threading threshold (2^21 multiply-adds): rows that do not split evenly into 6-row tiles, K across
    // two 256-deep slabs, a batch of distinct B operands, a broadcast A, and transposed operands read in place
    const cases: [string, () => Tensor][] = [];
    const a = randn([3, 131, 211]);
    const b = randn([211, 97]);
    cases.push(['[3,131,211]·[211,97]', () => matmul(a, b)]);
    const a2 = randn([2, 67, 300]);
    const b2 = randn([2, 300, 61]);
    cases.push(['batched [2,67,300]·[2,300,61]', () => batchMatmul(a2, b2)]);
    const a3 = randn([130, 300]);
    const b3 = randn([4, 300, 29]);
    cases.push(['broadcast A [130,300]·[4,300,29]', () => matmul(a3, b3)]);
    const at = randn([300, 133]);
    const bt = randn([75, 300]);
    cases.push(['transposed operands', () => matmul(at.transpose(0, 1), bt.transpose(0, 1))]);
    const bits = async (threads: number): Promise<Uint32Array[]> => {
      const status = await configureCpu({ path: 'wasm-simd', threads });
      expect(status.readyHelpers).toBe(threads - 1);
      return cases.map(([, f]) => new Uint32Array((f().dataSync() as Float32Array).slice().buffer));
    };
    const one = await bits(1);
    for (const threads of [2, 3]) {
      const many = await bits(threads);
      cases.forEach(([name], i) => {
        let differing = 0;
        for (let j = 0; j < one[i]!.length; j++) if (one[i]![j] !== many[i]![j]) differing++;
        expect({ name, threads, length: many[i]!.length, differing }).toEqual({ name, threads, length: one[i]!.length, differing: 0 });
      });
    }
  });

  it('gives the same bits when a helper thread computes some of the chunks', async () => {
    // the main thread holds back its first chunk until a helper has finished one, so both threads certainly work
    await configureCpu({ path: 'wasm-simd', threads: 2 });
    const rt = getWasmRuntime()!;
    const pool = rt.pool!;
    const k = rt.kernels;
    const M = 101, N = 45, K = 280;
    const a = randn([M, K]);
    const b = randn([K, N]);
    await configureCpu({ path: 'wasm-simd', threads: 1 });
    const expected = new Uint32Array((matmul(a, b).dataSync() as Float32Array).slice().buffer);
    await configureCpu({ path: 'wasm-simd', threads: 2 });
    const f32 = rt.heap.f32();
    const ap = rt.heap.alloc(M * K * 4), bPtr = rt.heap.alloc(K * N * 4), cp = rt.heap.alloc(M * N * 4);
    f32.set(a.dataSync() as Float32Array, ap >> 2);
    f32.set(b.dataSync() as Float32Array, bPtr >> 2);
    const bp = rt.heap.alloc(k.packedBFloats(N, K) * 4);
    k.packBFull(N, K, bPtr, N, 1, bp);
    const stride = Math.ceil(k.chunkScratchFloats(K) / 16) * 16;
    const scratch = rt.heap.alloc(stride * 2 * 4);
    const rows = 12, chunks = Math.ceil(M / rows);
    const args = [0, 0, M * N, M, N, K, ap, K, 1, bp, cp, N, rows, chunks, scratch, stride] as const;
    const deadline = Date.now() + 20_000;
    const mainRan = pool.runChunks(WORKER_JOBS.indexOf('sgemmChunk'), args, chunks, (chunk) => {
      while (pool.chunksDone() === 0 && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      k.sgemmChunk(...args, chunk, 0);
    });
    expect(mainRan).toBeLessThan(chunks);
    const got = new Uint32Array(f32.slice(cp >> 2, (cp >> 2) + M * N).buffer);
    let differing = 0;
    for (let i = 0; i < got.length; i++) if (got[i] !== expected[i]) differing++;
    expect(differing).toBe(0);
    for (const [p, n] of [[ap, M * K], [bPtr, K * N], [cp, M * N], [bp, k.packedBFloats(N, K)], [scratch, stride * 2]] as const) rt.heap.free(p, n * 4);
  });
});
