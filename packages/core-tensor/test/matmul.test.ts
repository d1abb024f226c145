import { describe, expect, it } from 'vitest';
import { tensor, matmul, batchMatmul, randn, manualSeed, transpose, DTypeError, ShapeError } from '@webgrad/core-tensor';
import { expectMatches, fromFixture, opCase, opCaseNames } from './torch-fixtures';

describe('matmul follows torch.matmul, including 1-D operands and broadcast batches', () => {
  const names = opCaseNames('matmul_');
  it.each(names)('%s', (name) => {
    const c = opCase(name);
    expectMatches(matmul(fromFixture(c.inputs.a!), fromFixture(c.inputs.b!)), c.out);
  });

  it('a 2×2 example by hand', () => {
    const a = tensor([[1, 2], [3, 4]]);
    expect(matmul(a, a).arraySync()).toEqual([[7, 10], [15, 22]]);
    expect(a.matmul(tensor([1, 1])).arraySync()).toEqual([3, 7]);
    expect(matmul(tensor([1, 2]), tensor([3, 4])).shape).toEqual([]);
  });

  it('large blocked products agree with a naive triple loop', () => {
    manualSeed(5);
    const a = randn([37, 29]);
    const b = randn([29, 41]);
    const A = a.dataSync();
    const B = b.dataSync();
    const C = matmul(a, b).dataSync();
    for (let i = 0; i < 37; i++) for (let j = 0; j < 41; j++) {
      let s = 0;
      for (let k = 0; k < 29; k++) s += A[i * 29 + k]! * B[k * 41 + j]!;
      expect(C[i * 41 + j]).toBeCloseTo(s, 4);
    }
  });

  it('batchMatmul computes op(a)·op(b) with virtual transposes and batch-1 broadcasting', () => {
    manualSeed(1);
    const a = randn([3, 4, 2]);
    const b = randn([1, 5, 4]);
    const viaFlags = batchMatmul(a, b, true, true); // aᵀ bᵀ: [3,2,5]
    const explicit = matmul(transpose(a), transpose(b));
    expect(viaFlags.shape).toEqual([3, 2, 5]);
    const x = viaFlags.dataSync();
    const y = explicit.dataSync();
    x.forEach((v, i) => expect(v).toBeCloseTo(y[i]!, 5));
  });

  it('validates before computing: inner sizes, rank 0, integer operands', () => {
    expect(() => matmul(tensor([[1, 2, 3], [4, 5, 6]]), randn([4, 5]))).toThrow(ShapeError);
    expect(() => matmul(randn([2, 3]), randn([4, 5]))).toThrow('matmul: inner dimensions differ: [2,3] @ [4,5]');
    expect(() => matmul(randn([2, 2, 3]), randn([3, 3, 4]))).toThrow('matmul: shapes [2] and [3] cannot be broadcast together');
    expect(() => matmul(tensor(1), randn([2]))).toThrow('matmul: both operands need at least one axis, got [] @ [2]');
    expect(() => matmul(tensor([1], { dtype: 'int32' }), tensor([1], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => matmul(tensor([1], { dtype: 'int32' }), tensor([1], { dtype: 'int32' }))).toThrow('matmul: expected floating-point operands, got int32 @ int32');
    expect(() => batchMatmul(randn([2, 3]), randn([2, 3, 3]))).toThrow('batchMatmul: expected rank-3 operands, got [2,3] and [2,3,3]');
    expect(() => batchMatmul(randn([2, 3, 4]), randn([3, 4, 3]))).toThrow('batchMatmul: batch lengths differ: [2,3,4] @ [3,4,3]');
  });
});
