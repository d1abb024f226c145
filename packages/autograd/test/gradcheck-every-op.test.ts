import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDispatchListener, listKernels, NON_DIFFERENTIABLE_OPS, randn, rand, manualSeed, tensor, UNARY_OPS, BINARY_OPS, unaryOp, binaryOp,
  where, gt, cast, expand, permute, slice, sliceScatter, concat, gather, scatterAdd, indexSelect, indexAdd, softmax, logSoftmax, cumsum,
  sum, prod, max, min, batchMatmul, unfold, fold, clone, reshape, type Tensor,
} from '@webgrad/core-tensor';
import { gradcheck } from '@webgrad/autograd';

// One gradcheck per kernel, keyed by the kernel's name. The test below fails
// when a differentiable CPU kernel has no entry here, and each entry must
// actually dispatch its kernel on a tensor that requires grad.
manualSeed(21);
const idx = (v: number[] | number[][]) => tensor(v, { dtype: 'int32' });
const positive = (shape: number[]) => rand(shape).add(0.5);
// inputs chosen inside each op's smooth domain
const domain: Record<string, () => Tensor> = {
  log: () => positive([5]), log1p: () => positive([5]), sqrt: () => positive([5]), rsqrt: () => positive([5]), reciprocal: () => positive([5]),
};
const attrs: Record<string, [number, number]> = { leakyRelu: [0.1, 0], elu: [0.8, 0], softplus: [1, 20], clamp: [-0.4, 0.6], gelu: [0, 0] };

const checks: Record<string, () => void> = {
  where: () => {
    const condition = gt(randn([3, 1]), 0);
    gradcheck((a, b) => where(condition, a, b), [randn([4]), randn([3, 4])]);
  },
  // through float32 and back: a wider step keeps float32 rounding out of the difference quotient
  cast: () => void gradcheck((a) => cast(cast(a, 'float32'), 'float64'), [randn([3])], { eps: 1e-2, atol: 1e-4 }),
  expand: () => void gradcheck((a) => expand(a, [2, 3, 4]), [randn([3, 1])]),
  copy: () => void gradcheck((a) => clone(a), [randn([3])]),
  permute: () => void gradcheck((a) => permute(a, [1, 2, 0]), [randn([2, 3, 4])]),
  slice: () => void gradcheck((a) => slice(a, [[null, null, -2], [1, 3]]), [randn([5, 4])]),
  sliceScatter: () => void gradcheck((a, b) => sliceScatter(a, b, { begin: [1], step: [2] }), [randn([5]), randn([2])]),
  concat: () => void gradcheck((a, b) => concat([a, b], 1), [randn([2, 1]), randn([2, 3])]),
  gather: () => void gradcheck((a) => gather(a, 0, idx([[1, 1], [0, 1]])), [randn([2, 2])]),
  scatterAdd: () => void gradcheck((a, b) => scatterAdd(a, 0, idx([[1, 1], [0, 1]]), b), [randn([2, 2]), randn([2, 2])]),
  indexSelect: () => void gradcheck((a) => indexSelect(a, 1, idx([1, 1, 0])), [randn([2, 2])]),
  indexAdd: () => void gradcheck((a, b) => indexAdd(a, 1, idx([1, 1, 0]), b), [randn([2, 2]), randn([2, 3])]),
  softmax: () => void gradcheck((a) => softmax(a, 0), [randn([3, 2])]),
  logSoftmax: () => void gradcheck((a) => logSoftmax(a, 1), [randn([3, 2])]),
  cumsum: () => void gradcheck((a) => cumsum(a, 1), [randn([3, 2])]),
  sum: () => void gradcheck((a) => sum(a, [0, 2], true), [randn([2, 3, 2])]),
  prod: () => void gradcheck((a) => prod(a, 1), [randn([2, 3])]),
  max: () => void gradcheck((a) => max(a, 1), [randn([2, 3])]),
  min: () => void gradcheck((a) => min(a, [0, 1]), [randn([2, 3])]),
  matmul: () => void gradcheck((a, b) => batchMatmul(a, b, true, false), [randn([2, 3, 2]), randn([1, 3, 4])]),
  unfold: () => void gradcheck((a) => unfold(a, 2, { padding: 1, stride: 2 }), [randn([1, 2, 3, 3])]),
  fold: () => void gradcheck((a) => fold(a, [3, 3], 2, { padding: 1, stride: 2 }), [randn([1, 8, 4])]),
  reshape: () => void gradcheck((a) => reshape(a, [3, 2]), [randn([2, 3])]),
};
for (const d of UNARY_OPS.filter((u) => u.differentiable)) {
  const [a, b] = attrs[d.name] ?? [0, 0];
  checks[d.name] ??= () => void gradcheck((x) => unaryOp(d.name, x, a, b), [(domain[d.name] ?? (() => randn([5])))()]);
}
for (const d of BINARY_OPS.filter((u) => u.differentiable)) {
  checks[d.name] ??= () => void gradcheck((x, y) => binaryOp(d.name, x, y), d.name === 'pow' ? [positive([3, 1]), randn([4])] : [randn([3, 1]), positive([4])]);
}

describe('gradcheck on every differentiable CPU kernel', () => {
  const recorded = new Set<string>();
  let remove: () => void = () => {};
  beforeAll(() => {
    remove = addDispatchListener((op, inputs) => {
      if (inputs.some((t) => t.requiresGrad && t.dtype === 'float64')) recorded.add(op);
    });
  });
  afterAll(() => remove());

  it('has a check for every kernel that is not in NON_DIFFERENTIABLE_OPS', () => {
    const missing = listKernels('cpu').filter((op) => !NON_DIFFERENTIABLE_OPS.has(op) && !(op in checks));
    expect(missing).toEqual([]);
  });

  it.each(Object.keys(checks).sort())('%s', (op) => {
    recorded.delete(op);
    checks[op]!();
    // the check really differentiated through this kernel (reshape is a view, not a kernel)
    expect(recorded.has(op), `${op} was not dispatched on a tensor requiring grad`).toBe(true);
  });
});
