import type { KernelTensor } from '../backend.js';
import { activeCpuPath } from './cpu-config.js';
import type { KernelExports } from './wasm-module.js';
import { wasmCall } from './wasm-operands.js';
import { WORKER_JOBS } from './wasm-thread-pool.js';

type SgemmBatchedArgs = Parameters<KernelExports['sgemmBatched']>;

/** Below this many multiply-adds the TypeScript loop wins (no call, no packing). */
export const WASM_MATMUL_MIN_MACS = 4096;
/** From this many multiply-adds a product is split over threads (waking a helper costs ~10–50 µs). */
export const THREAD_MATMUL_MIN_MACS = 1 << 21;
/** Row tile of the micro-kernel: thread row ranges start on multiples of it. */
const MR = 6;
const SGEMM_BATCHED = WORKER_JOBS.indexOf('sgemmBatched');

/**
 * float32 batched matmul on the WebAssembly SIMD kernel: out[b] = op(A[b])·op(B[b])
 * for rank-3 operands whose batch length 1 broadcasts. Returns null when the
 * TypeScript kernel should run instead: the CPU path is `typescript`,
 * WebAssembly SIMD is missing, or the product is tiny.
 *
 * Operands already in the kernels' memory are read in place, others copied
 * into scratch. Large products are split by rows over the helper threads;
 * every element is the same f32 sum over k in order whatever the split, so
 * results are bit-identical for any thread count.
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
    const scratchFloats = kernels.sgemmScratchFloats(N, K);
    const strideA = batchA === 1 ? 0 : M * K;
    const strideB = batchB === 1 ? 0 : K * N;
    const rsA = transposeA ? 1 : K;
    const csA = transposeA ? M : 1;
    const rsB = transposeB ? 1 : N;
    const csB = transposeB ? K : 1;
    const job = (rowStart: number, rowEnd: number): SgemmBatchedArgs => [
      batch, strideA, strideB, M * N, M, N, K, a, rsA, csA, b, rsB, csB, c.ptr, N, rowStart, rowEnd, call.reserve(scratchFloats),
    ];
    const helpers = cfg.threads > 1 && macs >= THREAD_MATMUL_MIN_MACS && rt.pool ? Math.min(rt.pool.readyHelpers(), cfg.threads - 1) : 0;
    const parts = Math.min(helpers + 1, Math.floor(M / MR));
    if (parts <= 1) {
      kernels.sgemmBatched(...job(0, M));
    } else {
      // equal row shares, each starting on a micro-kernel row tile
      const bounds = [0];
      for (let p = 1; p < parts; p++) bounds.push(Math.round((M * p) / parts / MR) * MR);
      bounds.push(M);
      const jobs: SgemmBatchedArgs[] = [];
      for (let p = 1; p < parts; p++) jobs.push(job(bounds[p]!, bounds[p + 1]!));
      const mine = job(0, bounds[1]!);
      rt.pool!.run(SGEMM_BATCHED, jobs, () => kernels.sgemmBatched(...mine));
    }
    c.finish();
    return c.out;
  });
}
