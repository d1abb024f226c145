import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { add, assertFloat } from './elementwise.js';
import { matmul } from './matmul.js';
import { pad } from './pad.js';
import { permute } from './permute.js';
import { reshape, squeeze, unsqueeze } from './reshape.js';
import { fold, pair, unfold, windowCount, type Pair } from './unfold.js';

/** Options of `conv1d` / `conv2d` (PyTorch's names and defaults). */
export interface ConvOptions {
  /** Step between windows (default 1). */
  stride?: Pair;
  /** Zero padding on both sides, or `'same'` / `'valid'` (default 0). */
  padding?: Pair | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
  /** Number of channel groups (default 1). */
  groups?: number;
}

/** Options of `convTranspose1d` / `convTranspose2d`. */
export interface ConvTransposeOptions {
  /** Step of the forward convolution this transposes (default 1). */
  stride?: Pair;
  /** Padding of the forward convolution (default 0). */
  padding?: Pair;
  /** Extra size added to one side of the output (default 0). */
  outputPadding?: Pair;
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
  /** Number of channel groups (default 1). */
  groups?: number;
}

/**
 * 2-D convolution (cross-correlation, as in PyTorch): input [N, C_in, H, W],
 * weight [C_out, C_in/groups, kh, kw], optional bias [C_out]. Computed as
 * unfold (im2col) followed by one batched matmul, so its gradient comes from
 * those two ops.
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  if (x.rank !== 4) throw new ShapeError('conv2d', `expected input [N, C, H, W], got ${fmtShape(x.shape)}`);
  if (weight.rank !== 4) throw new ShapeError('conv2d', `expected weight [C_out, C_in/groups, kh, kw], got ${fmtShape(weight.shape)}`);
  assertFloat('conv2d', x);
  assertFloat('conv2d', weight);
  const groups = options.groups ?? 1;
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [Co, Cg, kh, kw] = weight.shape as [number, number, number, number];
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0 || Co % groups !== 0) {
    throw new ArgumentError('conv2d', `groups=${groups} must divide in_channels ${C} and out_channels ${Co}`);
  }
  if (Cg * groups !== C) throw new ShapeError('conv2d', `weight ${fmtShape(weight.shape)} expects ${Cg * groups} input channels, input ${fmtShape(x.shape)} has ${C}`);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== Co)) throw new ShapeError('conv2d', `bias must have shape [${Co}], got ${fmtShape(bias.shape)}`);
  const s = pair('conv2d', 'stride', options.stride, 1, 1);
  const d = pair('conv2d', 'dilation', options.dilation, 1, 1);
  let xin = x;
  let p: [number, number];
  if (options.padding === 'valid') p = [0, 0];
  else if (options.padding === 'same') {
    if (s[0] !== 1 || s[1] !== 1) throw new ArgumentError('conv2d', "padding='same' needs stride 1");
    const th = d[0] * (kh - 1);
    const tw = d[1] * (kw - 1);
    // PyTorch puts the odd extra pixel at the end
    xin = pad(x, [Math.floor(tw / 2), tw - Math.floor(tw / 2), Math.floor(th / 2), th - Math.floor(th / 2)]);
    p = [0, 0];
  } else p = pair('conv2d', 'padding', options.padding, 0, 0);
  const oh = windowCount(xin.shape[2]!, kh, d[0], p[0], s[0]);
  const ow = windowCount(xin.shape[3]!, kw, d[1], p[1], s[1]);
  if (oh <= 0 || ow <= 0) throw new ShapeError('conv2d', `kernel ${kh}x${kw} is larger than the padded input ${fmtShape(x.shape)}`);
  void H;
  void W;
  const cols = unfold(xin, [kh, kw], { stride: s, padding: p, dilation: d }); // [N, C·kh·kw, L]
  let out: Tensor;
  if (groups === 1) {
    out = matmul(reshape(weight, [Co, Cg * kh * kw]), cols); // [N, Co, L]
  } else {
    const cg = reshape(cols, [N, groups, Cg * kh * kw, oh * ow]);
    const wg = reshape(weight, [groups, Co / groups, Cg * kh * kw]);
    out = matmul(wg, cg); // [N, g, Co/g, L]
  }
  out = reshape(out, [N, Co, oh, ow]);
  return bias ? add(out, reshape(bias, [1, Co, 1, 1])) : out;
}

/** 1-D convolution: input [N, C_in, L], weight [C_out, C_in/groups, k]; via `conv2d` with height 1. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  if (x.rank !== 3) throw new ShapeError('conv1d', `expected input [N, C, L], got ${fmtShape(x.shape)}`);
  if (weight.rank !== 3) throw new ShapeError('conv1d', `expected weight [C_out, C_in/groups, k], got ${fmtShape(weight.shape)}`);
  assertFloat('conv1d', x);
  assertFloat('conv1d', weight);
  const one = (v: Pair | undefined, dflt: number): [number, number] => [1, v === undefined ? dflt : typeof v === 'number' ? v : v[0]];
  const padding = options.padding === 'same' || options.padding === 'valid' ? options.padding : ([0, one(options.padding, 0)[1]] as [number, number]);
  const y = conv2d(unsqueeze(x, 2), unsqueeze(weight, 2), bias, {
    stride: one(options.stride, 1),
    dilation: one(options.dilation, 1),
    padding,
    groups: options.groups ?? 1,
  });
  return squeeze(y, 2);
}

/**
 * Transposed 2-D convolution (the gradient of `conv2d` with respect to its
 * input): input [N, C_in, H, W], weight [C_in, C_out/groups, kh, kw]. Output
 * size (H − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1.
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTransposeOptions = {}): Tensor {
  if (x.rank !== 4) throw new ShapeError('convTranspose2d', `expected input [N, C, H, W], got ${fmtShape(x.shape)}`);
  if (weight.rank !== 4) throw new ShapeError('convTranspose2d', `expected weight [C_in, C_out/groups, kh, kw], got ${fmtShape(weight.shape)}`);
  assertFloat('convTranspose2d', x);
  assertFloat('convTranspose2d', weight);
  const groups = options.groups ?? 1;
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [Ci, Cog, kh, kw] = weight.shape as [number, number, number, number];
  if (Ci !== C) throw new ShapeError('convTranspose2d', `weight ${fmtShape(weight.shape)} expects ${Ci} input channels, input ${fmtShape(x.shape)} has ${C}`);
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0) throw new ArgumentError('convTranspose2d', `groups=${groups} must divide in_channels ${C}`);
  const Co = Cog * groups;
  if (bias && (bias.rank !== 1 || bias.shape[0] !== Co)) throw new ShapeError('convTranspose2d', `bias must have shape [${Co}], got ${fmtShape(bias.shape)}`);
  const s = pair('convTranspose2d', 'stride', options.stride, 1, 1);
  const p = pair('convTranspose2d', 'padding', options.padding, 0, 0);
  const op = pair('convTranspose2d', 'outputPadding', options.outputPadding, 0, 0);
  const d = pair('convTranspose2d', 'dilation', options.dilation, 1, 1);
  if (op[0] >= Math.max(s[0], d[0]) || op[1] >= Math.max(s[1], d[1])) {
    throw new ArgumentError('convTranspose2d', `outputPadding ${op.join('x')} must be smaller than stride or dilation`);
  }
  const Ho = (H - 1) * s[0] - 2 * p[0] + d[0] * (kh - 1) + op[0] + 1;
  const Wo = (W - 1) * s[1] - 2 * p[1] + d[1] * (kw - 1) + op[1] + 1;
  if (Ho <= 0 || Wo <= 0) throw new ShapeError('convTranspose2d', `output size ${Ho}x${Wo} is not positive for input ${fmtShape(x.shape)}`);
  const Cig = C / groups;
  // fold needs one column per window of the output; an outputPadding of at
  // least the stride (allowed when the dilation is larger) adds windows that
  // no input position reaches, so zero input rows stand for them
  const Hn = windowCount(Ho, kh, d[0], p[0], s[0]);
  const Wn = windowCount(Wo, kw, d[1], p[1], s[1]);
  const xin = Hn > H || Wn > W ? pad(x, [0, Wn - W, 0, Hn - H]) : x;
  // columns = Wᵀ·x per group: [N, g, Cog·kh·kw, Hn·Wn]
  const wg = permute(reshape(weight, [groups, Cig, Cog * kh * kw]), [0, 2, 1]);
  const xg = reshape(xin, [N, groups, Cig, Hn * Wn]);
  const cols = reshape(matmul(wg, xg), [N, Co * kh * kw, Hn * Wn]);
  const out = fold(cols, [Ho, Wo], [kh, kw], { stride: s, padding: p, dilation: d });
  return bias ? add(out, reshape(bias, [1, Co, 1, 1])) : out;
}

/** Transposed 1-D convolution: input [N, C_in, L], weight [C_in, C_out/groups, k]. */
export function convTranspose1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTransposeOptions = {}): Tensor {
  if (x.rank !== 3) throw new ShapeError('convTranspose1d', `expected input [N, C, L], got ${fmtShape(x.shape)}`);
  assertFloat('convTranspose1d', x);
  assertFloat('convTranspose1d', weight);
  const one = (v: Pair | undefined, dflt: number): [number, number] => [v === undefined ? dflt : typeof v === 'number' ? v : v[0], v === undefined ? dflt : typeof v === 'number' ? v : v[0]];
  const y = convTranspose2d(unsqueeze(x, 2), unsqueeze(weight, 2), bias, {
    stride: [1, one(options.stride, 1)[1]],
    padding: [0, one(options.padding, 0)[1]],
    outputPadding: [0, one(options.outputPadding, 0)[1]],
    dilation: [1, one(options.dilation, 1)[1]],
    groups: options.groups ?? 1,
  });
  return squeeze(y, 2);
}
