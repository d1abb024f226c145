import { describe, expect, it } from 'vitest';
import {
  tensor, zeros, randn, WebgradError, ShapeError, DTypeError, BackendError, ArgumentError, add, matmul, concat, stack, reshape, expand,
  permute, slice, gather, indexSelect, softmax, logSoftmax, cumsum, sum, cast, conv2d, maxPool2d, pad, split, where, sliceScatter,
  scatterAdd, indexAdd, oneHot, full, getKernel, findBackend, sumTo, triu, unfold, fold, runKernel1,
} from '@webgrad/core-tensor';

describe('the error hierarchy', () => {
  it('every error is a WebgradError naming its op, with a class per kind of problem', () => {
    const e = new ShapeError('matmul', 'inner dimensions differ');
    expect(e).toBeInstanceOf(WebgradError);
    expect(e).toBeInstanceOf(Error);
    expect(e.op).toBe('matmul');
    expect(e.name).toBe('ShapeError');
    expect(e.message).toBe('matmul: inner dimensions differ');
    for (const C of [DTypeError, BackendError, ArgumentError]) {
      const err = new C('op', 'm');
      expect(err).toBeInstanceOf(WebgradError);
      expect(err.name).toBe(C.name);
    }
  });
});

// [op, call, error class, the exact message]: each message names the op, the
// shapes it got and what it expected
const a23 = randn([2, 3]);
const cases: [string, () => unknown, typeof WebgradError, string][] = [
  ['add', () => add(a23, randn([4])), ShapeError, 'add: shapes [2,3] and [4] cannot be broadcast together'],
  ['matmul', () => matmul(a23, randn([2, 3])), ShapeError, 'matmul: inner dimensions differ: [2,3] @ [2,3]'],
  ['matmul', () => matmul(tensor([true]), tensor([[1]], { dtype: 'int32' })), DTypeError, 'matmul: expected floating-point operands, got bool @ int32'],
  ['concat', () => concat([a23, randn([3, 3])], 1), ShapeError, 'concat: shapes [2,3], [3,3] differ outside axis 1'],
  ['stack', () => stack([a23, randn([3, 2])]), ShapeError, 'stack: all tensors must have the same shape, got [2,3], [3,2]'],
  ['reshape', () => reshape(a23, [4]), ShapeError, 'reshape: cannot reshape a tensor of shape [2,3] (6 elements) into [4]'],
  ['expand', () => expand(a23, [2, 4]), ShapeError, 'expand: shapes [2,3] and [2,4] cannot be broadcast together'],
  ['permute', () => permute(a23, [1]), ArgumentError, 'permute: expected 2 axes for a tensor of shape [2,3], got [1]'],
  ['slice', () => slice(a23, [5]), ShapeError, 'slice: index 5 is out of range for axis 0 of length 2'],
  ['gather', () => gather(a23, 0, tensor([[0]], { dtype: 'float32' })), DTypeError, 'gather: index must be int32, got float32'],
  ['indexSelect', () => indexSelect(a23, 2, tensor([0], { dtype: 'int32' })), ShapeError, 'indexSelect: axis 2 is out of range for a tensor of rank 2'],
  ['softmax', () => softmax(a23, 2), ShapeError, 'softmax: axis 2 is out of range for a tensor of rank 2'],
  ['logSoftmax', () => logSoftmax(a23, -3), ShapeError, 'logSoftmax: axis -3 is out of range for a tensor of rank 2'],
  ['cumsum', () => cumsum(a23, 1.5), ArgumentError, 'cumsum: axis must be an integer, got 1.5'],
  ['sum', () => sum(a23, [1, -1]), ArgumentError, 'sum: repeated axis in [1,-1]'],
  ['cast', () => cast(a23, 'int64' as 'int32'), DTypeError, "cast: unknown dtype 'int64' (expected one of bool, int32, float16, float32, float64)"],
  ['tensor', () => tensor([1], { dtype: 'bfloat16' as 'float32' }), DTypeError, "tensor: unknown dtype 'bfloat16' (expected one of bool, int32, float16, float32, float64)"],
  ['full', () => full([2], 1, { dtype: 'uint8' as 'int32' }), DTypeError, "full: unknown dtype 'uint8' (expected one of bool, int32, float16, float32, float64)"],
  ['conv2d', () => conv2d(randn([1, 2, 4, 4]), randn([1, 3, 3, 3])), ShapeError, 'conv2d: weight [1,3,3,3] expects 3 input channels, input [1,2,4,4] has 2'],
  ['maxPool2d', () => maxPool2d(a23, 2), ShapeError, 'maxPool2d: expected input [N, C, H, W], got [2,3]'],
  ['maxPool2d', () => maxPool2d(zeros([1, 1, 2, 2], { dtype: 'int32' }), 2), DTypeError, 'maxPool2d: expected a floating-point tensor, got int32'],
  ['conv2d', () => conv2d(zeros([1, 1, 3, 3], { dtype: 'int32' }), randn([1, 1, 2, 2])), DTypeError, 'conv2d: expected a floating-point tensor, got int32'],
  ['pad', () => pad(a23, [1, 1, 1]), ArgumentError, 'pad: padding must hold (before, after) pairs for at most 2 axes, got [1,1,1]'],
  ['split', () => split(a23, [1, 1], 1), ShapeError, 'split: sections [1,1] do not add up to axis 1 of length 3'],
  ['where', () => where(tensor([true, false, true]), randn([2]), 0), ShapeError, 'where: shapes [3] and [2] cannot be broadcast together'],
  ['sliceScatter', () => sliceScatter(zeros([2]), tensor([1], { dtype: 'int32' }), { begin: [0], step: [1] }), ArgumentError, 'sliceScatter: src dtype int32 differs from base dtype float32'],
  ['scatterAdd', () => scatterAdd(zeros([2]), 0, tensor([0, 1], { dtype: 'int32' }), randn([1])), ShapeError, 'scatterAdd: index [2] must fit src [1] and x [2] off axis 0'],
  ['indexAdd', () => indexAdd(zeros([2, 2]), 1, tensor([0], { dtype: 'int32' }), randn([3, 1])), ShapeError, 'indexAdd: src [3,1] must match x [2,2] except axis 1 of length index.size = 1'],
  ['oneHot', () => oneHot(tensor([3], { dtype: 'int32' }), 3), ArgumentError, 'oneHot: class values must be in [0, 3), got 3'],
  ['sumTo', () => sumTo(a23, [2, 3, 1]), ShapeError, 'sumTo: cannot sum shape [2,3] to the larger [2,3,1]'],
  ['triu', () => triu(tensor(1)), ShapeError, 'triu: needs a tensor of rank >= 2, got shape []'],
  ['unfold', () => unfold(a23, 2), ShapeError, 'unfold: expected input of shape [N, C, H, W], got [2,3]'],
  ['fold', () => fold(randn([1, 4, 5]), [3, 3], 2), ShapeError, 'fold: expected input [N, C·2·2, 4] for output 3x3, got [1,4,5]'],
  ['backend', () => findBackend('tpu'), BackendError, "backend: no backend named 'tpu' is registered (have: cpu"],
];

describe('every op validates its input before any kernel runs and says what it expected', () => {
  it.each(cases)('%s', (op, call, Kind, message) => {
    let err: unknown;
    try {
      call();
    } catch (e) {
      err = e;
    }
    expect(err, `${op} did not throw`).toBeInstanceOf(Kind);
    expect((err as WebgradError).op).toBe(op);
    expect((err as Error).message.startsWith(message)).toBe(true);
  });

  it('a missing kernel names the op and the backend', () => {
    expect(() => getKernel('fft', 'cpu')).toThrow("fft: the cpu backend has no kernel for op 'fft'");
    expect(() => runKernel1('fft', [a23])).toThrow(BackendError);
  });

  it('rank-0 tensors accept axis 0 and −1, as in PyTorch', () => {
    expect(sum(tensor(3), 0).item()).toBe(3);
    expect(softmax(tensor(3), -1).item()).toBe(1);
  });
});
