import type { KernelTensor } from '../backend.js';
import { activeCpuPath } from './cpu-config.js';
import { wasmCall } from './wasm-operands.js';
import { WORKER_JOBS } from './wasm-thread-pool.js';

/** Below this many multiply-adds the TypeScript loop wins (no call, no packing). */
export const WASM_MATMUL_MIN_MACS = 4096;
/**
 * From this many multiply-adds a product is offered to the helper threads
 * (about 130 µs of work on one thread; waking a helper costs ~10–50 µs, and
 * a helper that wakes late simply takes fewer chunks).
 */
export const THREAD_MATMUL_MIN_MACS = 1 << 21;
/** Row tile of the micro-kernel: chunks start on multiples of it. */
const MR = 6;
/** Chunks per thread a threaded product is cut into, so a late or slow thread costs at most a small share. */
const CHUNKS_PER_THREAD = 8;
const SGEMM_CHUNK = WORKER_JOBS.indexOf('sgemmChunk');

/**
 * float32 batched matmul on the WebAssembly SIMD kernel: out[b] = op(A[b])·op(B[b])
 * for rank-3 operands whose batch length 1 broadcasts. Returns null when the
 * TypeScript kernel should run instead: the CPU path is `typescript`,
 * WebAssembly SIMD is missing, or the product is tiny.
 *
 * Operands already in the kernels' memory are read in place, others copied
 * into scratch. Large products with helper threads are cut into row chunks
 * over a B packed once for all threads, and the threads claim chunks until
 * none is left; every element is the same f32 sum over k in order whatever
 * thread computes it, so results are bit-identical for any thread count.
 */
export function wasmMatmul(
  at: KernelTensor, bt: KernelTensor,
  batchA: number, batchB: number, M: number, N: number, K: number,
  transposeA: boolean, transposeB: boolean,
): KernelTensor | null {
  const batch = Math.max(batchA, batchB);
  const macs = batch * M * N * K;
  if (macs < WASM_MATMUL_MIN_MACS) return null;
  const cfg = activeCpuPath();
  if (cfg.path !== 'wasm-simd') return null;
  return wasmCall((call) => {
    const { rt, kernels } = call;
    const a = call.input(at);
    const b = call.input(bt);
    const c = call.output([batch, M, N], batch * M * N);
    const strideA = batchA === 1 ? 0 : M * K;
    const strideB = batchB === 1 ? 0 : K * N;
    const rsA = transposeA ? 1 : K;
    const csA = transposeA ? M : 1;
    const rsB = transposeB ? 1 : N;
    const csB = transposeB ? K : 1;
    const helpers = cfg.threads > 1 && macs >= THREAD_MATMUL_MIN_MACS && rt.pool ? Math.min(rt.pool.readyHelpers(), cfg.threads - 1) : 0;
    const threads = helpers + 1;
    // rows per chunk: a multiple of the row tile, about CHUNKS_PER_THREAD chunks per thread over the batch
    const chunksPerMatrixWanted = Math.max(1, Math.ceil((CHUNKS_PER_THREAD * threads) / batch));
    const rowsPerChunk = Math.max(MR, Math.ceil(M / chunksPerMatrixWanted / MR) * MR);
    const chunksPerMatrix = Math.ceil(M / rowsPerChunk);
    const chunks = batch * chunksPerMatrix;
    if (threads === 1 || chunks < 2) {
      kernels.sgemmBatched(batch, strideA, strideB, M * N, M, N, K, a, rsA, csA, b, rsB, csB, c.ptr, N, 0, M, call.reserve(kernels.sgemmScratchFloats(N, K)));
    } else {
      // B packed once for every thread (one packing per distinct B), then chunks claimed by whichever thread is free
      const packedFloats = kernels.packedBFloats(N, K);
      const bp = call.reserve(packedFloats * batchB);
      for (let i = 0; i < batchB; i++) kernels.packBFull(N, K, b + 4 * i * K * N, rsB, csB, bp + 4 * i * packedFloats);
      const scratchStride = Math.ceil(kernels.chunkScratchFloats(K) / 16) * 16;
      const scratch = call.reserve(scratchStride * threads);
      const strideBp = batchB === 1 ? 0 : packedFloats;
      const args = [strideA, strideBp, M * N, M, N, K, a, rsA, csA, bp, c.ptr, N, rowsPerChunk, chunksPerMatrix, scratch, scratchStride];
      rt.pool!.runChunks(SGEMM_CHUNK, args, chunks, (chunk) =>
        kernels.sgemmChunk(strideA, strideBp, M * N, M, N, K, a, rsA, csA, bp, c.ptr, N, rowsPerChunk, chunksPerMatrix, scratch, scratchStride, chunk, 0),
      );
    }
    c.finish();
    return c.out;
  });
}
