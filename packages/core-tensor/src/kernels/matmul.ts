import type { KernelTensor } from '../backend.js';
import { cpuAlloc, cpuData } from '../cpu/cpu-backend.js';
import { allocArray, type TypedArray } from '../dtype.js';
import { registerKernel } from '../kernel-registry.js';
import { wasmMatmul } from '../wasm/wasm-matmul.js';
import { permuteArray } from './transpose.js';

/**
 * C = op(A)·op(B) per batch. float32 products go to the WebAssembly SIMD
 * kernel when the CPU path has it (f32 sums, as BLAS and PyTorch do; see
 * wasm/wasm-matmul.ts). Otherwise, and always for float64, the TypeScript
 * reference: both operands are packed so the reduction axis is contiguous (A
 * as M×K rows, B as N×K rows), then 4×4 output blocks are accumulated in 16
 * locals that stay in registers: 8 loads per 16 multiply-adds.
 */
registerKernel('matmul', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [a, b] = inputs as [KernelTensor, KernelTensor];
  const tA = attrs.transposeA as boolean;
  const tB = attrs.transposeB as boolean;
  const M = tA ? a.shape[2]! : a.shape[1]!;
  const K = tA ? a.shape[1]! : a.shape[2]!;
  const N = tB ? b.shape[1]! : b.shape[2]!;
  const Ba = a.shape[0]!;
  const Bb = b.shape[0]!;
  const B = Math.max(Ba, Bb);
  if (a.dtype === 'float32') {
    const fast = wasmMatmul(a, b, Ba, Bb, M, N, K, tA, tB);
    if (fast !== null) return [fast];
  }
  const { out, data } = cpuAlloc([B, M, N], a.dtype);
  const A = cpuData(a);
  const Bd = cpuData(b);
  let packA: TypedArray | null = null;
  let packB: TypedArray | null = null;
  for (let bi = 0; bi < B; bi++) {
    const ai = Ba === 1 ? 0 : bi;
    const bj = Bb === 1 ? 0 : bi;
    // pack once when the operand is shared over the batch
    let Ap: TypedArray;
    if (!tA) Ap = A.subarray(ai * M * K, (ai + 1) * M * K);
    else if (Ba === 1 && packA) Ap = packA;
    else Ap = packA = permuteArray(A.subarray(ai * M * K, (ai + 1) * M * K), [K, M], [1, 0], packA && packA.length === M * K ? packA : allocArray(a.dtype, M * K));
    let Bp: TypedArray;
    if (tB) Bp = Bd.subarray(bj * N * K, (bj + 1) * N * K);
    else if (Bb === 1 && packB) Bp = packB;
    else Bp = packB = permuteArray(Bd.subarray(bj * N * K, (bj + 1) * N * K), [K, N], [1, 0], packB && packB.length === N * K ? packB : allocArray(b.dtype, N * K));
    gemmRowsDot(Ap, Bp, data, bi * M * N, M, N, K);
  }
  return [out];
});

/** C[c0 + i·N + j] = Σ_k A[i·K + k]·Bt[j·K + k]. */
export function gemmRowsDot(A: TypedArray, Bt: TypedArray, C: TypedArray, c0: number, M: number, N: number, K: number): void {
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  for (let i = 0; i < M4; i += 4) {
    const a0 = i * K;
    const a1 = a0 + K;
    const a2 = a1 + K;
    const a3 = a2 + K;
    for (let j = 0; j < N4; j += 4) {
      const b0 = j * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k]!, x1 = A[a1 + k]!, x2 = A[a2 + k]!, x3 = A[a3 + k]!;
        const y0 = Bt[b0 + k]!, y1 = Bt[b1 + k]!, y2 = Bt[b2 + k]!, y3 = Bt[b3 + k]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      let o = c0 + i * N + j;
      C[o] = c00; C[o + 1] = c01; C[o + 2] = c02; C[o + 3] = c03;
      o += N;
      C[o] = c10; C[o + 1] = c11; C[o + 2] = c12; C[o + 3] = c13;
      o += N;
      C[o] = c20; C[o + 1] = c21; C[o + 2] = c22; C[o + 3] = c23;
      o += N;
      C[o] = c30; C[o + 1] = c31; C[o + 2] = c32; C[o + 3] = c33;
    }
  }
  // remainders: rows below M4 for all columns, and columns past N4 for the blocked rows
  for (let i = 0; i < M; i++) {
    const jStart = i < M4 ? N4 : 0;
    const ai = i * K;
    for (let j = jStart; j < N; j++) {
      const bj = j * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[ai + k]! * Bt[bj + k]!;
      C[c0 + i * N + j] = s;
    }
  }
}
