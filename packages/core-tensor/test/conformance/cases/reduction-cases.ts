import { argmax, argmin, cumsum, logSoftmax, max, min, prod, softmax, sum, type Tensor } from '@webgrad/core-tensor';
import { bools, floats, ints, values, type ConformanceCase, type Tolerance } from '../conformance-case.js';

/**
 * Tolerances: float sums are added in a different order on the GPU (tree
 * reductions in float32; the CPU accumulates in float64), so they agree to a
 * few float32 ulps of the sum of |x|; max/min/arg* and integer reductions are
 * exact. softmax/logSoftmax: exp and log within a few ulps.
 */
const SUM_TOL: Tolerance = { rtol: 1e-5, atol: 1e-5 };
const PROD_TOL: Tolerance = { rtol: 1e-5, atol: 1e-30 };
const SOFTMAX_TOL: Tolerance = { rtol: 5e-6, atol: 1e-7 };

type Reduce = (x: Tensor, axes: number | number[] | undefined, keepdims: boolean) => Tensor;

const REDUCTIONS: readonly (readonly [string, Reduce])[] = [
  ['sum', (x, a, k) => sum(x, a, k)],
  ['prod', (x, a, k) => prod(x, a, k)],
  ['max', (x, a, k) => max(x, a, k)],
  ['min', (x, a, k) => min(x, a, k)],
  ['argmax', (x, a, k) => argmax(x, a as number | undefined, k)],
  ['argmin', (x, a, k) => argmin(x, a as number | undefined, k)],
];

function reductionCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const [kernel, f] of REDUCTIONS) {
    const arg = kernel.startsWith('arg');
    const tol = kernel === 'sum' ? SUM_TOL : kernel === 'prod' ? PROD_TOL : undefined;
    const lo = kernel === 'prod' ? 0.5 : -3;
    const hi = kernel === 'prod' ? 1.5 : 3;
    const add = (name: string, input: ReturnType<typeof floats>, axes: number | number[] | undefined, keepdims = false, t = tol) =>
      out.push({ kernel, name, inputs: [input], run: ([x]) => f(x!, axes, keepdims), ...(t ? { tol: t } : {}) });
    add('all of [3,4,5]', floats([3, 4, 5], lo, hi, 1), undefined);
    add('last axis of [7,33]', floats([7, 33], lo, hi, 2), 1);
    add('first axis of [33,7] (keepdims)', floats([33, 7], lo, hi, 3), 0, true);
    add('middle axis of [4,300,5]', floats([4, 300, 5], lo, hi, 4), 1);
    add('rows of 1000 (tree reduction)', floats([6, 1000], lo, hi, 5), 1);
    add('long column [5000,3] (transposed into rows)', floats([5000, 3], lo, hi, 6), 0);
    add('one element', floats([1], lo, hi, 7), 0);
    add('rank 0', values([2.5], []), arg ? undefined : [], false);
    add('rank 6, last axis', floats([2, 1, 3, 2, 2, 3], lo, hi, 8), 5);
    add('NaN propagates', values([1, NaN, 3, -2, 5, NaN, 0, 7], [2, 4]), 1);
    add('int32', ints([6, 9], -9, 9, 9), 1, false, undefined);
    add('ties pick the first index', values([1, 3, 3, 0, -1, -1, 2, -1], [2, 4]), 1);
    if (!arg) {
      add('non-adjacent axes [0,2] of [3,4,5,2]', floats([3, 4, 5, 2], lo, hi, 10), [0, 2]);
      if (kernel === 'sum' || kernel === 'prod') add('empty reduced axis', floats([3, 0]), 1);
      add('empty output', floats([0, 5]), 1);
      // a float32 product of 2^18 factors drifts by ~√n ulps from the float64 one
      const longTol = kernel === 'sum' ? { rtol: 1e-4, atol: 1e-3 } : kernel === 'prod' ? { rtol: 1e-3, atol: 0 } : tol;
      add(`one long row of ${2 ** 18} (split into chunks)`, floats([2 ** 18], kernel === 'prod' ? 0.999 : lo, kernel === 'prod' ? 1.001 : hi, 11), 0, false, longTol);
    } else {
      add(`one long row of ${2 ** 18}`, floats([2 ** 18], -3, 3, 12), 0);
    }
  }
  out.push({ kernel: 'sum', name: 'non-contiguous: a transposed input', inputs: [floats([9, 130], -1, 1, 15)], run: ([x]) => sum(x!.transpose(0, 1), 1), tol: SUM_TOL });
  out.push({ kernel: 'sum', name: 'bool counts as int32', inputs: [bools([5, 8])], run: ([x]) => sum(x!, 1) });
  out.push({ kernel: 'sum', name: 'all of [2048,2049] (over 4M elements)', inputs: [floats([2048, 2049], -1, 1, 13)], run: ([x]) => sum(x!), tol: { rtol: 1e-4, atol: 1e-2 } });
  out.push({ kernel: 'max', name: 'columns of [2048,2049] (over 4M elements)', inputs: [floats([2048, 2049], -1, 1, 14)], run: ([x]) => max(x!, 0) });
  return out;
}

function softmaxCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const [kernel, f] of [
    ['softmax', softmax],
    ['logSoftmax', logSoftmax],
  ] as const) {
    const add = (name: string, input: ReturnType<typeof floats>, axis: number) => out.push({ kernel, name, inputs: [input], run: ([x]) => f(x!, axis), tol: SOFTMAX_TOL });
    add('last axis [4,10]', floats([4, 10], -5, 5, 1), -1);
    add('long rows [3,1000]', floats([3, 1000], -20, 20, 2), -1);
    add('first axis [10,6]', floats([10, 6], -5, 5, 3), 0);
    add('middle axis [3,70,4]', floats([3, 70, 4], -5, 5, 4), 1);
    add('rank 0', values([3], []), 0);
    add('one element', values([-2], [1]), 0);
    add('-Inf entries and an all -Inf row', values([0, -Infinity, 1, 2, -Infinity, -Infinity, -Infinity, -Infinity], [2, 4]), 1);
    add('large logits', values([1000, 999, -1000, 0], [1, 4]), 1);
    add('NaN row', values([1, NaN, 2, 3, 4, 5], [2, 3]), 1);
    add('empty', floats([0, 4]), 1);
    out.push({ kernel, name: 'non-contiguous: a permuted input', inputs: [floats([5, 3, 80], -5, 5, 6)], run: ([x]) => f(x!.permute([2, 0, 1]), 0), tol: SOFTMAX_TOL });
  }
  return out;
}

function cumsumCases(): ConformanceCase[] {
  return [
    { kernel: 'cumsum', name: 'last axis', inputs: [floats([3, 50])], run: ([x]) => cumsum(x!, 1), tol: SUM_TOL },
    { kernel: 'cumsum', name: 'first axis', inputs: [floats([40, 3])], run: ([x]) => cumsum(x!, 0), tol: SUM_TOL },
    { kernel: 'cumsum', name: 'int32 middle axis', inputs: [ints([2, 7, 3])], run: ([x]) => cumsum(x!, 1) },
    { kernel: 'cumsum', name: 'rank 0', inputs: [values([4], [])], run: ([x]) => cumsum(x!, 0) },
    { kernel: 'cumsum', name: 'empty', inputs: [floats([0, 3])], run: ([x]) => cumsum(x!, 1) },
  ];
}

/** Reductions, softmax/logSoftmax and cumsum. */
export const REDUCTION_CASES: readonly ConformanceCase[] = [...reductionCases(), ...softmaxCases(), ...cumsumCases()];
