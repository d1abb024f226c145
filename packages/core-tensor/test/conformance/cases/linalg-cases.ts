import { batchMatmul, fold, matmul, unfold } from '@webgrad/core-tensor';
import { floats, type ConformanceCase, type Tolerance } from '../conformance-case.js';

/** matmul sums K products in a different order (and in float32, the CPU in float32 too but another order). */
function matmulTol(K: number): Tolerance {
  return { rtol: 1e-5, atol: 2e-6 * Math.sqrt(Math.max(K, 1)) * 3 };
}

function matmulCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [65, 130, 67],
    [64, 64, 64],
    [128, 96, 200],
    // the subgroup kernel's load forms: K % 4 ≠ 0 with N % 4 = 0 (vec4 B rows, trailing k steps),
    // K % 4 = 0 with N % 4 ≠ 0 (vec4 A and B-transposed slices, scalar B rows)
    [70, 45, 68],
    [40, 36, 70],
    // 13 block rows of the subgroup kernel: a full group of 8 and a partial one
    [200, 20, 40],
    [1, 300, 257],
    [257, 33, 1],
  ];
  for (const [M, K, N] of sizes) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        out.push({
          kernel: 'matmul',
          name: `${M}×${K} @ ${K}×${N}${tA ? ', A transposed' : ''}${tB ? ', B transposed' : ''}`,
          inputs: [floats(tA ? [1, K, M] : [1, M, K], -1, 1, M + K), floats(tB ? [1, N, K] : [1, K, N], -1, 1, K + N)],
          run: ([a, b]) => batchMatmul(a!, b!, tA, tB),
          tol: matmulTol(K),
        });
      }
    }
  }
  out.push({ kernel: 'matmul', name: 'batched [5,70,40] @ [5,40,90]', inputs: [floats([5, 70, 40]), floats([5, 40, 90], -1, 1, 4)], run: ([a, b]) => batchMatmul(a!, b!), tol: matmulTol(40) });
  out.push({ kernel: 'matmul', name: 'batch 1 broadcasts: [1,70,40] @ [3,40,65]', inputs: [floats([1, 70, 40]), floats([3, 40, 65], -1, 1, 5)], run: ([a, b]) => batchMatmul(a!, b!), tol: matmulTol(40) });
  out.push({ kernel: 'matmul', name: 'batch 1 broadcasts: [4,9,8] @ [1,8,3]', inputs: [floats([4, 9, 8]), floats([1, 8, 3], -1, 1, 6)], run: ([a, b]) => batchMatmul(a!, b!), tol: matmulTol(8) });
  out.push({ kernel: 'matmul', name: 'matmul rank 4 with broadcast batch axes', inputs: [floats([2, 1, 6, 5]), floats([3, 5, 4], -1, 1, 7)], run: ([a, b]) => matmul(a!, b!), tol: matmulTol(5) });
  out.push({ kernel: 'matmul', name: 'vector @ matrix', inputs: [floats([6]), floats([6, 4], -1, 1, 8)], run: ([a, b]) => matmul(a!, b!), tol: matmulTol(6) });
  out.push({ kernel: 'matmul', name: 'non-contiguous: a sliced and transposed operand', inputs: [floats([70, 90]), floats([40, 75], -1, 1, 11)], run: ([a, b]) => matmul(a!.slice([null, [null, null, 2]]), b!.transpose(0, 1).slice([[0, 45]])), tol: matmulTol(45) });
  out.push({ kernel: 'matmul', name: 'K = 0 gives zeros', inputs: [floats([1, 3, 0]), floats([1, 0, 4])], run: ([a, b]) => batchMatmul(a!, b!) });
  out.push({ kernel: 'matmul', name: 'empty M', inputs: [floats([1, 0, 3]), floats([1, 3, 4])], run: ([a, b]) => batchMatmul(a!, b!) });
  out.push({ kernel: 'matmul', name: '512×512 @ 512×512', inputs: [floats([512, 512], -1, 1, 9), floats([512, 512], -1, 1, 10)], run: ([a, b]) => matmul(a!, b!), tol: matmulTol(512) });
  return out;
}

function unfoldCases(): ConformanceCase[] {
  const configs: [string, number[], [number, number], Record<string, [number, number]>][] = [
    ['3×3, padding 1', [2, 3, 8, 7], [3, 3], { padding: [1, 1] }],
    ['2×3, stride 2, dilation 2', [1, 2, 11, 9], [2, 3], { stride: [2, 2], dilation: [2, 2] }],
    ['1×1', [2, 4, 5, 5], [1, 1], {}],
    ['5×2, padding 2×0, stride 3×1', [1, 1, 13, 6], [5, 2], { padding: [2, 0], stride: [3, 1] }],
  ];
  const out: ConformanceCase[] = [];
  for (const [name, shape, k, opts] of configs) {
    out.push({ kernel: 'unfold', name, inputs: [floats(shape)], run: ([x]) => unfold(x!, k, opts) });
    // fold is the adjoint: feed it a column tensor of the matching shape
    const [N, C, H, W] = shape as [number, number, number, number];
    const p = opts.padding ?? [0, 0];
    const s = opts.stride ?? [1, 1];
    const d = opts.dilation ?? [1, 1];
    const oh = Math.floor((H + 2 * p[0] - d[0] * (k[0] - 1) - 1) / s[0]) + 1;
    const ow = Math.floor((W + 2 * p[1] - d[1] * (k[1] - 1) - 1) / s[1]) + 1;
    out.push({ kernel: 'fold', name, inputs: [floats([N, C * k[0] * k[1], oh * ow], -1, 1, 3)], run: ([c]) => fold(c!, [H, W], k, opts), tol: { rtol: 1e-6, atol: 1e-6 } });
  }
  out.push({ kernel: 'unfold', name: 'pad value −Inf (max pooling)', inputs: [floats([1, 2, 5, 5])], run: ([x]) => unfold(x!, [2, 2], { padding: [1, 1], stride: [2, 2], padValue: -Infinity }) });
  return out;
}

/** matmul, unfold and fold. */
export const LINALG_CASES: readonly ConformanceCase[] = [...matmulCases(), ...unfoldCases()];
