import { describe, expect, it } from 'vitest';
import { tensor, maxPool1d, maxPool2d, avgPool1d, avgPool2d, randn, ShapeError, ArgumentError, type AvgPoolOptions, type MaxPoolOptions, type Pair } from '@webgrad/core-tensor';
import { expectMatches, fromFixture, opCase, opCaseNames, type OpCase } from './torch-fixtures';

const pairOf = (v: unknown): Pair => (Array.isArray(v) ? [v[0], v[1]] : (v as number));

function options(c: OpCase): MaxPoolOptions & AvgPoolOptions {
  const o: MaxPoolOptions & AvgPoolOptions = {};
  if (c.attrs.stride !== undefined) o.stride = pairOf(c.attrs.stride);
  if (c.attrs.padding !== undefined) o.padding = pairOf(c.attrs.padding);
  if (c.attrs.dilation !== undefined) o.dilation = pairOf(c.attrs.dilation);
  if (c.attrs.ceil_mode !== undefined) o.ceilMode = c.attrs.ceil_mode;
  if (c.attrs.count_include_pad !== undefined) o.countIncludePad = c.attrs.count_include_pad;
  if (c.attrs.divisor_override !== undefined) o.divisorOverride = c.attrs.divisor_override;
  return o;
}

describe('pooling matches torch: padding, ceilMode, dilation, countIncludePad, divisorOverride', () => {
  it.each(opCaseNames('max_pool2d_'))('%s', (name) => {
    const c = opCase(name);
    expectMatches(maxPool2d(fromFixture(c.inputs.x!), pairOf(c.attrs.kernel), options(c)), c.out);
  });
  it.each(opCaseNames('avg_pool2d_'))('%s', (name) => {
    const c = opCase(name);
    expectMatches(avgPool2d(fromFixture(c.inputs.x!), pairOf(c.attrs.kernel), options(c)), c.out);
  });
  it.each(opCaseNames('max_pool1d_'))('%s', (name) => {
    const c = opCase(name);
    expectMatches(maxPool1d(fromFixture(c.inputs.x!), c.attrs.kernel, options(c) as MaxPoolOptions), c.out);
  });
  it.each(opCaseNames('avg_pool1d_'))('%s', (name) => {
    const c = opCase(name);
    expectMatches(avgPool1d(fromFixture(c.inputs.x!), c.attrs.kernel, options(c) as AvgPoolOptions), c.out);
  });
});

describe('pooling by hand', () => {
  const x = tensor([[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]]);
  it('2×2 windows with stride 2', () => {
    expect(maxPool2d(x, 2).arraySync()).toEqual([[[[6, 8], [14, 16]]]]);
    expect(avgPool2d(x, 2).arraySync()).toEqual([[[[3.5, 5.5], [11.5, 13.5]]]]);
  });
  it('max pooling pads with −∞, so padding never wins', () => {
    expect(maxPool1d(tensor([[[-5, -6, -7]]]), 2, { padding: 1 }).arraySync()).toEqual([[[-5, -6]]]);
  });
});

describe('pooling validates its input', () => {
  it('names the op, the shape and the rule', () => {
    expect(() => maxPool2d(randn([1, 4, 4]), 2)).toThrow(ShapeError);
    expect(() => maxPool2d(randn([1, 4, 4]), 2)).toThrow('maxPool2d: expected input [N, C, H, W], got [1,4,4]');
    expect(() => avgPool2d(randn([1, 1, 4, 4]), 2, { padding: 2 })).toThrow(ArgumentError);
    expect(() => avgPool2d(randn([1, 1, 4, 4]), 2, { padding: 2 })).toThrow('avgPool2d: padding 2x2 must be at most half the kernel size 2x2');
    expect(() => maxPool2d(randn([1, 1, 2, 2]), 3)).toThrow('maxPool2d: kernel 3x3 is larger than the padded input [1,1,2,2]');
    expect(() => maxPool1d(randn([1, 4]), 2)).toThrow('maxPool1d: expected input [N, C, L], got [1,4]');
    expect(() => avgPool1d(randn([4]), 2)).toThrow('avgPool1d: expected input [N, C, L], got [4]');
    expect(() => avgPool2d(randn([1, 1, 4, 4]), 2, { divisorOverride: 0 })).toThrow('avgPool2d: divisorOverride must be positive, got 0');
  });
});
