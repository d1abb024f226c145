import { describe, expect, it } from 'vitest';
import { tensor, add, mul, div, sub, eq, lt, maximum, minimum, sum, mean, promoteTypes, matmul, concat, where, DTYPES, type DType, type Tensor } from '@webgrad/core-tensor';
import { expectMatches, readFixtureFile, type FixtureTensor } from './torch-fixtures';

describe('type promotion follows PyTorch: bool < int32 < float16 < float32 < float64', () => {
  it('promoteTypes takes the later dtype of the pair', () => {
    const expected: Record<string, DType> = {
      'bool,bool': 'bool', 'bool,int32': 'int32', 'bool,float16': 'float16', 'bool,float32': 'float32', 'bool,float64': 'float64',
      'int32,int32': 'int32', 'int32,float16': 'float16', 'int32,float32': 'float32', 'int32,float64': 'float64',
      'float16,float16': 'float16', 'float16,float32': 'float32', 'float16,float64': 'float64',
      'float32,float32': 'float32', 'float32,float64': 'float64', 'float64,float64': 'float64',
    };
    for (const a of DTYPES) for (const b of DTYPES) {
      const key = DTYPES.indexOf(a) <= DTYPES.indexOf(b) ? `${a},${b}` : `${b},${a}`;
      expect(promoteTypes(a, b), `${a} with ${b}`).toBe(expected[key]);
    }
  });

  const i = tensor([1, 2], { dtype: 'int32' });
  const f = tensor([0.5, 0.25]);
  const d = tensor([1, 2], { dtype: 'float64' });
  const b = tensor([true, false]);

  it('tensor ⊕ tensor takes the promoted dtype', () => {
    expect(add(i, f).dtype).toBe('float32');
    expect(add(i, f).arraySync()).toEqual([1.5, 2.25]);
    expect(add(f, d).dtype).toBe('float64');
    expect(add(b, i).dtype).toBe('int32');
    expect(mul(b, f).arraySync()).toEqual([0.5, 0]);
  });

  it('numbers are weak: they adopt the tensor dtype unless a fraction meets an integer tensor', () => {
    expect(add(i, 1).dtype).toBe('int32');
    expect(add(i, 1.5).dtype).toBe('float32');
    expect(add(i, 1.5).arraySync()).toEqual([2.5, 3.5]);
    expect(mul(d, 3).dtype).toBe('float64');
    expect(add(b, 1).dtype).toBe('int32');
    expect(sub(3, f).dtype).toBe('float32');
  });

  it('true division and float-only ops produce floats; comparisons produce bool', () => {
    expect(div(i, i).dtype).toBe('float32');
    expect(div(d, i).dtype).toBe('float64');
    expect(eq(i, f).dtype).toBe('bool');
  });

  it('reductions: sum of bool/int is int32, mean of int is float32', () => {
    expect(sum(b).dtype).toBe('int32');
    expect(mean(i).dtype).toBe('float32');
  });

  it('matmul, concat and where promote their operands', () => {
    expect(matmul(tensor([[1, 2]], { dtype: 'float64' }), tensor([[1], [1]])).dtype).toBe('float64');
    expect(concat([i, f]).dtype).toBe('float32');
    expect(concat([i, f]).arraySync()).toEqual([1, 2, 0.5, 0.25]);
    expect(where(b, i, d).dtype).toBe('float64');
  });
});

describe('bool ⊕ bool stays bool, as in PyTorch', () => {
  const p = tensor([true, false, true]);
  const q = tensor([true, true, false]);
  it('+ and maximum are "or"; · and minimum are "and"', () => {
    expect(add(p, q).dtype).toBe('bool');
    expect(add(p, q).arraySync()).toEqual([true, true, true]);
    expect(mul(p, q).arraySync()).toEqual([true, false, false]);
    expect(add(p, true).arraySync()).toEqual([true, true, true]);
  });
  it('a number operand promotes: bool + 1 is int32, bool · 2.5 is float32', () => {
    expect(add(p, 1).dtype).toBe('int32');
    expect(mul(p, 2.5).arraySync()).toEqual([2.5, 0, 2.5]);
  });
  it('subtracting two bool tensors is refused', () => {
    expect(() => sub(p, q)).toThrow('sub: subtracting two bool tensors is not supported; use logicalAnd, logicalOr or logicalNot instead');
  });
});

interface PromotionCase { op: string; a: string; b: string; dtype: string; out: FixtureTensor }

describe('every dtype pair and Python-scalar kind gives torch\'s result dtype and values (fixtures)', () => {
  const cases = readFixtureFile<{ promotion: PromotionCase[] }>('ops.json').promotion;
  const values: Record<string, () => Tensor> = {
    bool: () => tensor([true, false, true, true]),
    int32: () => tensor([3, -2, 0, 7], { dtype: 'int32' }),
    float32: () => tensor([1.5, -0.25, 2.0, -3.0]),
    float64: () => tensor([0.5, 4.0, -1.5, 2.0], { dtype: 'float64' }),
  };
  const scalars: Record<string, number | boolean> = { 'python int': 2, 'python float': 0.5, 'python bool': true };
  const ops: Record<string, (a: Tensor, b: Tensor | number | boolean) => Tensor> = { add, sub, mul, div, maximum, minimum, eq, lt };
  it.each(cases.map((c) => [`${c.op}(${c.a}, ${c.b}) → ${c.dtype}`, c] as const))('%s', (_label, c) => {
    const b = c.b in values ? values[c.b]!() : scalars[c.b]!;
    const r = ops[c.op]!(values[c.a]!(), b);
    // webgrad has no int64: PyTorch's int64 results are int32 here
    expect(r.dtype).toBe(c.dtype === 'int64' ? 'int32' : c.dtype);
    expectMatches(r, c.out);
  });
});
