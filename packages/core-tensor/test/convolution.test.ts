import { describe, expect, it } from 'vitest';
import {
  tensor, conv1d, conv2d, convTranspose1d, convTranspose2d, unfold, fold, randn, manualSeed, sum, mul, ones, ShapeError, ArgumentError,
  type ConvOptions, type ConvTransposeOptions, type Pair,
} from '@webgrad/core-tensor';
import { expectMatches, fromFixture, opCase, opCaseNames, type OpCase } from './torch-fixtures';

function pairOf(v: unknown): Pair | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? [v[0], v[1]] : (v as number);
}

function convOptions(c: OpCase): ConvOptions {
  const o: ConvOptions = { groups: c.attrs.groups };
  if (c.attrs.stride !== undefined) o.stride = pairOf(c.attrs.stride)!;
  if (c.attrs.dilation !== undefined) o.dilation = pairOf(c.attrs.dilation)!;
  if (c.attrs.padding !== undefined) o.padding = typeof c.attrs.padding === 'string' ? (c.attrs.padding as 'same' | 'valid') : pairOf(c.attrs.padding)!;
  return o;
}

function transposeOptions(c: OpCase): ConvTransposeOptions {
  const o: ConvTransposeOptions = { groups: c.attrs.groups ?? 1 };
  if (c.attrs.stride !== undefined) o.stride = pairOf(c.attrs.stride)!;
  if (c.attrs.dilation !== undefined) o.dilation = pairOf(c.attrs.dilation)!;
  if (c.attrs.padding !== undefined) o.padding = pairOf(c.attrs.padding)!;
  if (c.attrs.output_padding !== undefined) o.outputPadding = pairOf(c.attrs.output_padding)!;
  return o;
}

const bias = (c: OpCase) => (c.inputs.b ? fromFixture(c.inputs.b) : null);

describe('conv2d matches F.conv2d: stride, padding (numbers, pairs, same, valid), dilation, groups', () => {
  it.each(opCaseNames('conv2d_'))('%s', (name) => {
    const c = opCase(name);
    expectMatches(conv2d(fromFixture(c.inputs.x!), fromFixture(c.inputs.w!), bias(c), convOptions(c)), c.out);
  });
});

describe('conv1d matches F.conv1d', () => {
  it.each(opCaseNames('conv1d_'))('%s', (name) => {
    const c = opCase(name);
    expectMatches(conv1d(fromFixture(c.inputs.x!), fromFixture(c.inputs.w!), bias(c), convOptions(c)), c.out);
  });
});

describe('convTranspose2d / convTranspose1d match F.conv_transpose2d / 1d', () => {
  it.each(opCaseNames('conv_transpose2d_'))('%s', (name) => {
    const c = opCase(name);
    expectMatches(convTranspose2d(fromFixture(c.inputs.x!), fromFixture(c.inputs.w!), bias(c), transposeOptions(c)), c.out);
  });
  it('conv_transpose1d_stride2', () => {
    const c = opCase('conv_transpose1d_stride2');
    expectMatches(convTranspose1d(fromFixture(c.inputs.x!), fromFixture(c.inputs.w!), null, transposeOptions(c)), c.out);
  });
});

describe('convolution by hand and its structure', () => {
  it('a 3×3 box filter on a 3×3 image of ones with padding 1 counts neighbours', () => {
    const y = conv2d(ones([1, 1, 3, 3]), ones([1, 1, 3, 3]), null, { padding: 1 });
    expect(y.arraySync()).toEqual([[[[4, 6, 4], [6, 9, 6], [4, 6, 4]]]]);
  });

  it('convTranspose2d is the adjoint of conv2d: ⟨conv(x), y⟩ = ⟨x, convᵀ(y)⟩', () => {
    manualSeed(2);
    const x = randn([1, 2, 6, 5]);
    const w = randn([3, 2, 3, 2]);
    const opts = { stride: [2, 1] as Pair, padding: [1, 0] as Pair };
    const cx = conv2d(x, w, null, opts);
    const y = randn(cx.shape);
    const lhs = sum(mul(cx, y)).item();
    const rhs = sum(mul(x, convTranspose2d(y, w, null, { ...opts, outputPadding: [1, 0] }))).item();
    expect(lhs).toBeCloseTo(rhs, 3);
  });

  it('fold is the adjoint of unfold: ⟨unfold(x), c⟩ = ⟨x, fold(c)⟩', () => {
    manualSeed(3);
    const x = randn([2, 3, 5, 4]);
    const opts = { stride: 2, padding: 1, dilation: [1, 2] as Pair };
    const u = unfold(x, [2, 2], opts);
    expect(u.shape).toEqual([2, 12, 3 * 2]);
    const c = randn(u.shape);
    expect(sum(mul(u, c)).item()).toBeCloseTo(sum(mul(x, fold(c, [5, 4], [2, 2], opts))).item(), 3);
  });

  it('unfold pads with padValue', () => {
    const u = unfold(tensor([[[[1]]]]), 3, { padding: 1, padValue: -1 });
    expect(Array.from(u.dataSync())).toEqual([-1, -1, -1, -1, 1, -1, -1, -1, -1]);
  });
});

describe('convolution validates shapes and options, naming the op and the shapes', () => {
  const x = randn([1, 4, 5, 5]);
  it('conv2d', () => {
    expect(() => conv2d(randn([4, 5, 5]), randn([2, 4, 3, 3]))).toThrow(ShapeError);
    expect(() => conv2d(randn([4, 5, 5]), randn([2, 4, 3, 3]))).toThrow('conv2d: expected input [N, C, H, W], got [4,5,5]');
    expect(() => conv2d(x, randn([2, 3, 3, 3]))).toThrow('conv2d: weight [2,3,3,3] expects 3 input channels, input [1,4,5,5] has 4');
    expect(() => conv2d(x, randn([3, 2, 3, 3]), null, { groups: 2 })).toThrow('conv2d: groups=2 must divide in_channels 4 and out_channels 3');
    expect(() => conv2d(x, randn([2, 4, 3, 3]), randn([3]))).toThrow('conv2d: bias must have shape [2], got [3]');
    expect(() => conv2d(x, randn([2, 4, 7, 7]))).toThrow('conv2d: kernel 7x7 is larger than the padded input [1,4,5,5]');
    expect(() => conv2d(x, randn([2, 4, 3, 3]), null, { padding: 'same', stride: 2 })).toThrow(ArgumentError);
    expect(() => conv2d(x, randn([2, 4, 3, 3]), null, { stride: 0 })).toThrow('conv2d: stride must be integers >= 1, got 0');
  });
  it('conv1d and the transposed convolutions', () => {
    expect(() => conv1d(randn([1, 4]), randn([2, 4, 3]))).toThrow('conv1d: expected input [N, C, L], got [1,4]');
    expect(() => conv1d(randn([1, 4, 6]), randn([2, 4]))).toThrow('conv1d: expected weight [C_out, C_in/groups, k], got [2,4]');
    expect(() => convTranspose2d(x, randn([3, 2, 3, 3]))).toThrow('convTranspose2d: weight [3,2,3,3] expects 3 input channels, input [1,4,5,5] has 4');
    expect(() => convTranspose2d(x, randn([4, 2, 3, 3]), null, { stride: 2, outputPadding: 2 })).toThrow('convTranspose2d: outputPadding 2x2 must be smaller than stride or dilation');
    expect(() => convTranspose1d(randn([1, 4]), randn([4, 2, 3]))).toThrow('convTranspose1d: expected input [N, C, L], got [1,4]');
  });
});
