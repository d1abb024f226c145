import { describe, expect, it } from 'vitest';
import {
  abs, add, cast, div, erf, exp, float16BitsToFloat32, float32ToFloat16Bits, full, gelu, log, logSoftmax, matmul, max, maximum, mean, minimum,
  mul, neg, pow, promoteTypes, relu, sigmoid, silu, softmax, softplus, sqrt, sub, sum, tanh, tensor, type DType, type Tensor,
} from '@webgrad/core-tensor';
import { readFixtureFile } from './torch-fixtures';

// float16 on the CPU is the exact reference: every op computes in float32 and
// stores its result rounded to half, so it must agree bit for bit with
// PyTorch 1.13 (fixtures/gen_float16.py: native torch.float16 CPU ops, and
// op(x.float()).half() for the ops 1.13's CPU lacks in half).

interface HalfTensor { shape: number[]; bits: number[] }
interface HalfCase { mode: string; inputs: Record<string, HalfTensor>; out: HalfTensor & (number | boolean)[]; values?: (number | string)[]; attrs?: Record<string, HalfTensor> }
const fixture = readFixtureFile<{ cases: Record<string, HalfCase> & { promote: Record<string, string> } }>('float16.json').cases;

function half(t: HalfTensor): Tensor {
  return tensor(Float32Array.from(t.bits, float16BitsToFloat32), { shape: t.shape, dtype: 'float16' });
}

function num(v: number | string): number {
  return v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === 'nan' ? NaN : Number(v);
}

/**
 * Asserts `t` is float16 and holds the expected half bit patterns, exactly or
 * within `ulps` steps (same sign: adjacent halves have adjacent patterns).
 */
function expectHalfBits(t: Tensor, want: HalfTensor, label: string, ulps = 0): void {
  expect(t.dtype, label).toBe('float16');
  expect(t.shape, label).toEqual(want.shape);
  const got = Array.from(t.dataSync(), float32ToFloat16Bits);
  for (let i = 0; i < want.bits.length; i++) {
    const sameSign = (got[i]! & 0x8000) === (want.bits[i]! & 0x8000);
    if (got[i] !== want.bits[i] && !(sameSign && Math.abs(got[i]! - want.bits[i]!) <= ulps)) {
      expect.fail(`${label}: element ${i} is ${float16BitsToFloat32(got[i]!)} (0x${got[i]!.toString(16)}), torch gives ${float16BitsToFloat32(want.bits[i]!)} (0x${want.bits[i]!.toString(16)})`);
    }
  }
}

const c = (name: string): HalfCase => {
  const k = fixture[name];
  if (k === undefined) throw new Error(`no case ${name}`);
  return k as HalfCase;
};

describe('float16 on the CPU matches PyTorch 1.13 bit for bit', () => {
  it('creation rounds float32 values to the nearest half (ties to even, overflow, subnormals) and data() returns float32', () => {
    const k = c('create');
    const t = tensor(k.values!.map(num), { dtype: 'float16' });
    expectHalfBits(t, k.out, 'tensor(..., float16)');
    expect(t.dataSync()).toBeInstanceOf(Float32Array);
    expect(full([2], 0.1, { dtype: 'float16' }).dataSync()[0]).toBe(0.0999755859375);
  });

  const binary: Record<string, (a: Tensor, b: Tensor) => Tensor> = { add, sub, mul, div, maximum, minimum };
  for (const [name, f] of Object.entries(binary)) {
    it(`binary ${name}`, () => {
      const k = c(`binary/${name}`);
      expectHalfBits(f(half(k.inputs.a!), half(k.inputs.b!)), k.out, name);
    });
  }

  it('broadcasting, powers, python-scalar operands (which keep float16) and overflow to inf', () => {
    let k = c('binary/add_broadcast');
    expectHalfBits(add(half(k.inputs.a!), half(k.inputs.b!)), k.out, 'add broadcast');
    k = c('binary/mul_broadcast');
    expectHalfBits(mul(half(k.inputs.a!), half(k.inputs.b!)), k.out, 'mul broadcast');
    k = c('binary/pow2');
    expectHalfBits(pow(half(k.inputs.a!), 2), k.out, 'pow 2');
    k = c('binary/mul_scalar');
    expectHalfBits(mul(half(k.inputs.a!), 2.5), k.out, 'x * 2.5');
    k = c('binary/add_scalar');
    expectHalfBits(add(half(k.inputs.a!), 0.1), k.out, 'x + 0.1');
    k = c('binary/mul_overflow');
    expectHalfBits(mul(half(k.inputs.a!), half(k.inputs.b!)), k.out, 'overflow');
  });

  const unary: Record<string, (x: Tensor) => Tensor> = { exp, tanh, sigmoid, relu, gelu: (x) => gelu(x), erf, silu, softplus: (x) => softplus(x), neg, abs, log, sqrt };
  // exact where webgrad's float32 formula is correctly rounded like PyTorch's;
  // gelu, erf, silu and softplus are a few float32 ulps off PyTorch's float32
  // results (see their float32 tests), which can move a value across a half
  // rounding boundary: one half ulp
  const ULPS: Record<string, number> = { gelu: 1, erf: 1, silu: 1, softplus: 1 };
  for (const [name, f] of Object.entries(unary)) {
    it(`unary ${name} (computed in float32, rounded once)`, () => {
      const k = c(`unary/${name}`);
      expectHalfBits(f(half(k.inputs.a!)), k.out, name, ULPS[name] ?? 0);
    });
  }

  it('matmul, 2-D and batched, accumulates in float32 and rounds once', () => {
    for (const name of ['matmul/2d', 'matmul/batched']) {
      const k = c(name);
      expectHalfBits(matmul(half(k.inputs.a!), half(k.inputs.b!)), k.out, name);
    }
  });

  it('sum, mean and max accumulate in float32 (5000 ones sum to 5000, not 2048)', () => {
    const x = (n: string): Tensor => half(c(n).inputs.a!);
    expectHalfBits(sum(x('reduce/sum_all')), c('reduce/sum_all').out, 'sum');
    expectHalfBits(sum(x('reduce/sum_axis1'), 1), c('reduce/sum_axis1').out, 'sum axis 1');
    expectHalfBits(mean(x('reduce/mean_axis0'), 0), c('reduce/mean_axis0').out, 'mean axis 0');
    expectHalfBits(max(x('reduce/max_axis1'), 1), c('reduce/max_axis1').out, 'max axis 1');
    expectHalfBits(sum(x('reduce/sum_ones_5000')), c('reduce/sum_ones_5000').out, 'sum of ones');
  });

  it('softmax and logSoftmax', () => {
    expectHalfBits(softmax(half(c('softmax/last').inputs.a!), 1), c('softmax/last').out, 'softmax');
    expectHalfBits(logSoftmax(half(c('softmax/log_last').inputs.a!), 1), c('softmax/log_last').out, 'logSoftmax');
    expectHalfBits(softmax(half(c('softmax/axis0').inputs.a!), 0), c('softmax/axis0').out, 'softmax axis 0');
  });

  it('casts both ways: to int32 truncates, to bool tests non-zero (NaN is true), from int32 rounds and overflows', () => {
    let k = c('cast/to_int32');
    const i = cast(half(k.inputs.a!), 'int32');
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual(k.out);
    k = c('cast/to_bool');
    expect(cast(half(k.inputs.a!), 'bool').arraySync()).toEqual(k.out);
    k = c('cast/from_int32');
    expectHalfBits(cast(tensor(k.values!.map(num), { dtype: 'int32' }), 'float16'), k.out, 'int32 → float16');
    const f = cast(tensor([0.1, 70000, 1e-8]), 'float16');
    expect(Array.from(f.dataSync())).toEqual([0.0999755859375, Infinity, 0]);
    // and back to float32 exactly
    expect(Array.from(cast(f, 'float32').dataSync())).toEqual([0.0999755859375, Infinity, 0]);
    // the float32 input was not rounded in place
    const x = tensor([0.1]);
    cast(x, 'float16');
    expect(x.dataSync()[0]).toBe(Math.fround(0.1));
  });
});

describe('float16 type promotion follows PyTorch', () => {
  const torchName = (d: DType): string => `torch.${d}`;
  it('promoteTypes: float16 with float32 → float32, with int32/bool → float16, with float64 → float64', () => {
    const p = fixture.promote;
    expect(torchName(promoteTypes('float16', 'float32'))).toBe(p['float16+float32']);
    expect(torchName(promoteTypes('float16', 'int32'))).toBe(p['float16+int32']);
    expect(torchName(promoteTypes('int32', 'float16'))).toBe(p['int32+float16']);
    expect(torchName(promoteTypes('float16', 'bool'))).toBe(p['float16+bool']);
    expect(torchName(promoteTypes('float16', 'float64'))).toBe(p['float16+float64']);
  });
  it('ops take the promoted dtype; numbers keep float16', () => {
    const h = tensor([1, 2], { dtype: 'float16' });
    expect(add(h, tensor([2.5, 0.5])).dtype).toBe('float32');
    expect(add(h, tensor([2, 3], { dtype: 'int32' })).dtype).toBe('float16');
    expect(add(tensor([true, false]), h).dtype).toBe('float16');
    expect(torchName(mul(h, 2.5).dtype)).toBe(fixture.promote['float16*scalar']);
    expect(mul(h, 2.5).dataSync()).toEqual(new Float32Array([2.5, 5]));
    expect(add(tensor([1, 2], { dtype: 'int32' }), 0.5).dtype).toBe('float32');
  });
});
