import { describe, expect, it } from 'vitest';
import {
  tensor, neg, abs, sign, square, exp, log, log1p, expm1, sqrt, rsqrt, reciprocal, sin, cos, tanh, sigmoid, relu, leakyRelu, elu,
  gelu, softplus, silu, erf, clamp, floor, ceil, round, logicalNot, isnan, isinf, UNARY_OPS, type Tensor,
} from '@webgrad/core-tensor';
import { expectMatches, fromFixture, opCase } from './torch-fixtures';

const values = [-2.5, -1, -0.5, 0, 0.25, 1, 3];

function close(t: Tensor, expected: number[], digits = 6): void {
  const got = Array.from(t.dataSync());
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => (Number.isNaN(expected[i]) ? expect(v).toBeNaN() : expect(v).toBeCloseTo(expected[i]!, digits)));
}

describe('unary ops compute their formula elementwise', () => {
  const x = tensor(values);
  const cases: [string, (t: Tensor) => Tensor, (v: number) => number][] = [
    ['neg', neg, (v) => -v],
    ['abs', abs, Math.abs],
    ['sign', sign, Math.sign],
    ['square', square, (v) => v * v],
    ['exp', exp, Math.exp],
    ['sin', sin, Math.sin],
    ['cos', cos, Math.cos],
    ['tanh', tanh, Math.tanh],
    ['sigmoid', sigmoid, (v) => 1 / (1 + Math.exp(-v))],
    ['relu', relu, (v) => Math.max(v, 0)],
    ['floor', floor, Math.floor],
    ['ceil', ceil, Math.ceil],
    ['reciprocal', reciprocal, (v) => 1 / v],
  ];
  it.each(cases)('%s', (_name, op, f) => close(op(x), values.map(f)));

  it('log, sqrt, rsqrt give NaN for negative inputs and ±∞ at 0, as in PyTorch', () => {
    close(log(tensor([-1, 0, Math.E])), [NaN, -Infinity, 1]);
    expect(log(tensor([0])).item()).toBe(-Infinity);
    close(sqrt(tensor([-1, 0, 4])), [NaN, 0, 2]);
    expect(rsqrt(tensor([0])).item()).toBe(Infinity);
  });

  it('round rounds half to even like torch.round', () => {
    expect(round(tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.6])).arraySync()).toEqual([-2, -2, -0, 0, 2, 2, 3]);
  });

  it('isnan / isinf / logicalNot give bool', () => {
    const t = tensor([1, NaN, Infinity, -Infinity, 0]);
    expect(isnan(t).arraySync()).toEqual([false, true, false, false, false]);
    expect(isinf(t).arraySync()).toEqual([false, false, true, true, false]);
    expect(logicalNot(t).arraySync()).toEqual([false, false, false, false, true]);
    expect(logicalNot(t).dtype).toBe('bool');
  });

  it('float-only ops promote integer input to float32; numeric ops keep int32', () => {
    const i = tensor([1, -4], { dtype: 'int32' });
    expect(exp(i).dtype).toBe('float32');
    expect(sqrt(tensor([4], { dtype: 'int32' })).item()).toBe(2);
    expect(abs(i).dtype).toBe('int32');
    expect(abs(i).arraySync()).toEqual([1, 4]);
    expect(square(i).arraySync()).toEqual([1, 16]);
    expect(neg(tensor([true, false])).dtype).toBe('int32');
    expect(relu(i).arraySync()).toEqual([1, 0]);
  });

  it('float64 stays float64', () => {
    expect(exp(tensor([1], { dtype: 'float64' })).dtype).toBe('float64');
    expect(exp(tensor([1], { dtype: 'float64' })).item()).toBe(Math.E);
  });

  it('works on numbers too (a rank-0 result)', () => {
    expect(exp(0).shape).toEqual([]);
    expect(exp(0).item()).toBe(1);
  });

  it('every table op is exported as a function of the same name', async () => {
    const mod = (await import('@webgrad/core-tensor')) as unknown as Record<string, unknown>;
    for (const def of UNARY_OPS) expect(typeof mod[def.name], def.name).toBe('function');
  });
});

describe('activations match PyTorch (fixtures), including the thresholds', () => {
  const run: Record<string, (x: Tensor) => Tensor> = {
    gelu: (x) => gelu(x),
    gelu_tanh: (x) => gelu(x, 'tanh'),
    softplus: (x) => softplus(x),
    softplus_beta2_threshold5: (x) => softplus(x, 2, 5),
    elu: (x) => elu(x),
    'elu_alpha0.5': (x) => elu(x, 0.5),
    'leaky_relu_0.2': (x) => leakyRelu(x, 0.2),
    silu: (x) => silu(x),
    sigmoid: (x) => sigmoid(x),
    tanh: (x) => tanh(x),
    erf: (x) => erf(x),
    expm1: (x) => expm1(x),
    log1p: (x) => log1p(x),
    rsqrt: (x) => rsqrt(x),
  };
  it.each(Object.keys(run))('%s', (name) => {
    const c = opCase(name);
    expectMatches(run[name]!(fromFixture(c.inputs.x!)), c.out);
  });

  it('leakyRelu defaults to slope 0.01; gelu rejects an unknown approximation', () => {
    close(leakyRelu(tensor([-2, 2])), [-0.02, 2]);
    expect(() => gelu(tensor([1]), 'fast' as 'tanh')).toThrow("gelu: approximate must be 'none' or 'tanh', got 'fast'");
  });
});

describe('clamp', () => {
  it('limits to [min, max]; either bound may be omitted', () => {
    close(clamp(tensor(values), -1, 1), [-1, -1, -0.5, 0, 0.25, 1, 1]);
    close(clamp(tensor(values), 0), [0, 0, 0, 0, 0.25, 1, 3]);
    close(clamp(tensor(values), null, 0), [-2.5, -1, -0.5, 0, 0, 0, 0]);
    expect(() => clamp(tensor(values))).toThrow('clamp: at least one of min and max must be given');
  });

  it('min > max gives max everywhere, as torch.clamp does', () => {
    close(clamp(tensor([-5, 0, 5]), 2, 1), [1, 1, 1]);
  });

  it('NaN stays NaN', () => {
    expect(clamp(tensor([NaN]), 0, 1).item()).toBeNaN();
  });

  it('int32 tensors: integer bounds keep int32, fractional bounds promote to float32 (torch result_type)', () => {
    const i = tensor([-3, 0, 2, 7], { dtype: 'int32' });
    const c = clamp(i, -1, 5);
    expect(c.dtype).toBe('int32');
    expect(c.arraySync()).toEqual([-1, 0, 2, 5]);
    const f = clamp(i, 0.5, 2.5);
    expect(f.dtype).toBe('float32');
    expect(f.arraySync()).toEqual([0.5, 0.5, 2, 2.5]);
    expect(clamp(i, 0).arraySync()).toEqual([0, 0, 2, 7]);
  });
});
