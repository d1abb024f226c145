import {
  ArgumentError,
  ShapeError,
  conv1d,
  conv2d,
  convTranspose1d,
  convTranspose2d,
  fmtShape,
  hasKernel,
  squeeze,
  unsqueeze,
  zeros,
  type Tensor,
} from '@webgrad/core-tensor';
import { conv2dGemm } from './conv2d-gemm.js';
import { convTranspose2dGemm, transposeGemmFits } from './conv-transpose2d-gemm.js';
import { withBatchAxis } from './batch-axis.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from './init.js';
import { Module } from './module.js';
import { padWithMode, type PaddingMode } from './padding-mode.js';
import { Parameter } from './parameter.js';
import { pyTuple } from './python-repr.js';

/** A size per spatial axis: one number for every axis, or one each. */
export type SpatialSize = number | readonly number[];

/** Options of `Conv1d` / `Conv2d` (PyTorch's names and defaults). */
export interface ConvLayerOptions {
  /** Step between windows (default 1). */
  stride?: SpatialSize;
  /** Implicit padding on both sides (default 0), or `'same'` (stride 1 only) / `'valid'` (no padding). */
  padding?: SpatialSize | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: SpatialSize;
  /** Channel groups: each output channel sees inChannels/groups inputs (default 1). */
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** How padding is filled: `'zeros'` (default), `'reflect'`, `'replicate'` or `'circular'`. */
  paddingMode?: PaddingMode;
}

/** Options of `ConvTranspose1d` / `ConvTranspose2d` (PyTorch's names and defaults). */
export interface ConvTransposeLayerOptions {
  /** Stride of the convolution this transposes (default 1). */
  stride?: SpatialSize;
  /** Padding of the convolution this transposes: removes dilation·(k − 1) − padding … (default 0). */
  padding?: SpatialSize;
  /** Extra length added at the end of each spatial axis, less than stride or dilation (default 0). */
  outputPadding?: SpatialSize;
  /** Channel groups (default 1). */
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Spacing between kernel taps (default 1). */
  dilation?: SpatialSize;
}

function spatial(op: string, name: string, v: SpatialSize | undefined, dflt: number, n: number, min: number): number[] {
  const out = v === undefined ? new Array<number>(n).fill(dflt) : typeof v === 'number' ? new Array<number>(n).fill(v) : v.slice();
  if (out.length !== n || !out.every((x) => Number.isInteger(x) && x >= min)) {
    throw new ArgumentError(op, `${name} must be an integer >= ${min} or ${n} of them, got ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`);
  }
  return out;
}

function checkChannels(op: string, inChannels: number, outChannels: number, groups: number): void {
  if (!Number.isInteger(inChannels) || inChannels <= 0 || !Number.isInteger(outChannels) || outChannels <= 0) {
    throw new ArgumentError(op, `inChannels and outChannels must be positive integers, got ${inChannels} and ${outChannels}`);
  }
  if (!Number.isInteger(groups) || groups <= 0) throw new ArgumentError(op, `groups must be a positive integer, got ${groups}`);
  if (inChannels % groups !== 0) throw new ArgumentError(op, `inChannels (${inChannels}) must be divisible by groups (${groups})`);
  if (outChannels % groups !== 0) throw new ArgumentError(op, `outChannels (${outChannels}) must be divisible by groups (${groups})`);
}

/** Options every convolution shares. */
interface ConvCommonOptions {
  /** Step between windows. */
  stride?: SpatialSize;
  /** Spacing between kernel taps. */
  dilation?: SpatialSize;
  /** Channel groups. */
  groups?: number;
  /** Learn an additive bias. */
  bias?: boolean;
}

/**
 * The shared part of every convolution layer: channels, kernel, stride,
 * dilation and groups validated once, and the weight (laid out
 * [out, in/groups, k…], or [in, out/groups, k…] when transposed) and bias
 * created with PyTorch's default initialisation.
 */
abstract class ConvBase<In extends unknown[]> extends Module<In, Tensor> {
  /** The filters: [outChannels, inChannels/groups, ...kernelSize], or [inChannels, outChannels/groups, ...kernelSize] for a transposed convolution. */
  weight: Parameter;
  /** The bias, [outChannels], or null. */
  bias: Parameter | null;
  /** Kernel size per spatial axis. */
  readonly kernelSize: number[];
  /** Stride per spatial axis. */
  readonly stride: number[];
  /** Dilation per spatial axis. */
  readonly dilation: number[];
  /** Channel groups. */
  readonly groups: number;

  protected constructor(
    protected readonly op: string,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: SpatialSize,
    options: ConvCommonOptions,
    transposed: boolean,
    dims: number,
  ) {
    super();
    this.groups = options.groups ?? 1;
    checkChannels(op, inChannels, outChannels, this.groups);
    this.kernelSize = spatial(op, 'kernelSize', kernelSize, 1, dims, 1);
    this.stride = spatial(op, 'stride', options.stride, 1, dims, 1);
    this.dilation = spatial(op, 'dilation', options.dilation, 1, dims, 1);
    const shape = transposed ? [inChannels, outChannels / this.groups] : [outChannels, inChannels / this.groups];
    this.weight = new Parameter(zeros([...shape, ...this.kernelSize]));
    this.bias = options.bias === false ? null : new Parameter(zeros([outChannels]));
    this.resetParameters();
  }

  /**
   * Re-draws the parameters as PyTorch's `reset_parameters`: weight from
   * kaiming_uniform(a = √5), i.e. U(−1/√fanIn, 1/√fanIn), and the bias from
   * U(−1/√fanIn, 1/√fanIn), fanIn = weight.shape[1]·Πkernel.
   */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const { fanIn } = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  /** The part of the printed form every convolution shares, as PyTorch prints it. */
  protected reprHead(padding: readonly number[] | string, outputPadding: readonly number[]): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (typeof padding === 'string') s += `, padding=${padding}`;
    else if (padding.some((p) => p !== 0)) s += `, padding=${pyTuple(padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyTuple(outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=False';
    return s;
  }
}

/** The shared part of Conv1d and Conv2d. */
abstract class ConvNd extends ConvBase<[Tensor]> {
  /** Padding per spatial axis, or 'same' / 'valid'. */
  readonly padding: number[] | 'same' | 'valid';
  /** How padding is filled. */
  readonly paddingMode: PaddingMode;

  protected constructor(
    op: string,
    inChannels: number,
    outChannels: number,
    kernelSize: SpatialSize,
    readonly options: ConvLayerOptions,
    dims: number,
  ) {
    super(op, inChannels, outChannels, kernelSize, options, false, dims);
    const p = options.padding;
    if (typeof p === 'string') {
      if (p !== 'same' && p !== 'valid') throw new ArgumentError(op, `padding must be a number, 'same' or 'valid', got '${p}'`);
      if (p === 'same' && this.stride.some((s) => s !== 1)) throw new ArgumentError(op, "padding='same' is not supported for strided convolutions");
      this.padding = p;
    } else this.padding = spatial(op, 'padding', p, 0, dims, 0);
    this.paddingMode = options.paddingMode ?? 'zeros';
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(this.paddingMode)) {
      throw new ArgumentError(op, `paddingMode must be 'zeros', 'reflect', 'replicate' or 'circular', got '${this.paddingMode}'`);
    }
  }

  /** Convolves `x` ([N, C_in, ...] or unbatched [C_in, ...]). */
  forward(x: Tensor): Tensor {
    return withBatchAxis(this.op, x, this.kernelSize.length, (xb) => {
      checkInputChannels(this.op, xb, this.inChannels);
      const { amounts, convPadding } = this.explicitPadding();
      return this.convolve(amounts.length ? padWithMode(this.op, xb, amounts, this.paddingMode) : xb, convPadding);
    });
  }

  /** The convolution op itself, on a batched (and, for non-zero modes, already padded) input. */
  protected abstract convolve(x: Tensor, padding: number[] | 'same' | 'valid'): Tensor;

  /**
   * F.pad amounts (last axis first) for non-zero padding modes, and the
   * padding left for the convolution itself.
   */
  protected explicitPadding(): { amounts: number[]; convPadding: number[] | 'same' | 'valid' } {
    if (this.paddingMode === 'zeros') return { amounts: [], convPadding: this.padding };
    const amounts: number[] = [];
    for (let i = this.kernelSize.length - 1; i >= 0; i--) {
      if (this.padding === 'valid') amounts.push(0, 0);
      else if (this.padding === 'same') {
        const total = this.dilation[i]! * (this.kernelSize[i]! - 1);
        amounts.push(Math.floor(total / 2), total - Math.floor(total / 2));
      } else amounts.push(this.padding[i]!, this.padding[i]!);
    }
    return { amounts, convPadding: this.kernelSize.map(() => 0) };
  }

  /** `3, 8, kernel_size=(3, 3), stride=(1, 1)` plus the options that differ from the defaults, as PyTorch prints them. */
  override extraRepr(): string {
    const s = this.reprHead(this.padding, []);
    return this.paddingMode === 'zeros' ? s : `${s}, padding_mode=${this.paddingMode}`;
  }
}

/**
 * 1-D convolution over [N, C_in, L] (or unbatched [C_in, L]), PyTorch's
 * `nn.Conv1d`: weight [C_out, C_in/groups, k], bias [C_out];
 * L_out = ⌊(L + 2p − d(k − 1) − 1)/s⌋ + 1.
 */
export class Conv1d extends ConvNd {
  /** Creates the layer with PyTorch's default initialisation. */
  constructor(inChannels: number, outChannels: number, kernelSize: SpatialSize, options: ConvLayerOptions = {}) {
    super('Conv1d', inChannels, outChannels, kernelSize, options, 1);
  }

  protected convolve(x: Tensor, padding: number[] | 'same' | 'valid'): Tensor {
    if (onImplicitGemm('conv2dGemm', x, this.weight)) {
      // as a 2-D convolution of height 1 (views), so forward and backward are implicit GEMMs
      const p = typeof padding === 'string' ? padding : [0, padding[0]!];
      const y = implicitGemmConv(unsqueeze(x, 2), unsqueeze(this.weight, 2), this.bias, [1, this.stride[0]!], p, [1, this.dilation[0]!], this.groups);
      if (y !== null) return squeeze(y, 2);
    }
    return conv1d(x, this.weight, this.bias, {
      stride: this.stride[0]!,
      padding: typeof padding === 'string' ? padding : padding[0]!,
      dilation: this.dilation[0]!,
      groups: this.groups,
    });
  }
}

/**
 * 2-D convolution over [N, C_in, H, W] (or unbatched [C_in, H, W]),
 * PyTorch's `nn.Conv2d`: weight [C_out, C_in/groups, kh, kw], bias [C_out];
 * H_out = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1 per spatial axis.
 *
 * @example
 * ```ts
 * const conv = new Conv2d(3, 8, 3, { padding: 'same' });
 * conv.forward(randn([2, 3, 16, 16])).shape; // [2, 8, 16, 16]
 * ```
 */
export class Conv2d extends ConvNd {
  /** Creates the layer with PyTorch's default initialisation. */
  constructor(inChannels: number, outChannels: number, kernelSize: SpatialSize, options: ConvLayerOptions = {}) {
    super('Conv2d', inChannels, outChannels, kernelSize, options, 2);
  }

  protected convolve(x: Tensor, padding: number[] | 'same' | 'valid'): Tensor {
    const stride: [number, number] = [this.stride[0]!, this.stride[1]!];
    const dilation: [number, number] = [this.dilation[0]!, this.dilation[1]!];
    if (onImplicitGemm('conv2dGemm', x, this.weight)) {
      const y = implicitGemmConv(x, this.weight, this.bias, stride, padding, dilation, this.groups);
      if (y !== null) return y;
    }
    return conv2d(x, this.weight, this.bias, {
      stride,
      padding: typeof padding === 'string' ? padding : [padding[0]!, padding[1]!],
      dilation,
      groups: this.groups,
    });
  }
}

/**
 * Whether `x`'s backend runs `op` as an implicit-GEMM kernel: not the CPU
 * (whose matmul is its fast path, so it keeps unfold + matmul), and only
 * where the kernel exists and x and the weight share a dtype.
 */
function onImplicitGemm(op: string, x: Tensor, weight: Tensor): boolean {
  const backend = x.backend.name;
  return backend !== 'cpu' && hasKernel(op, backend) && x.dtype === weight.dtype;
}

/**
 * conv2d of x [N, C, H, W] as the one implicit-GEMM op `conv2dGemm` (whose
 * gradient is implicit GEMMs too), or null for the composed unfold + matmul
 * path: an asymmetric 'same' padding, empty outputs (the composed path reports
 * them) and grids beyond one dispatch.
 */
function implicitGemmConv(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  stride: [number, number],
  padding: readonly number[] | 'same' | 'valid',
  dilation: [number, number],
  groups: number,
): Tensor | null {
  if (x.rank !== 4) return null;
  const [kh, kw] = [weight.shape[2]!, weight.shape[3]!];
  let p: [number, number];
  if (padding === 'valid') p = [0, 0];
  else if (padding === 'same') {
    const th = dilation[0] * (kh - 1);
    const tw = dilation[1] * (kw - 1);
    if (th % 2 !== 0 || tw % 2 !== 0) return null;
    p = [th / 2, tw / 2];
  } else p = [padding[0]!, padding[1]!];
  const [N, , H, W] = x.shape as [number, number, number, number];
  const oh = Math.floor((H + 2 * p[0] - dilation[0] * (kh - 1) - 1) / stride[0]) + 1;
  const ow = Math.floor((W + 2 * p[1] - dilation[1] * (kw - 1) - 1) / stride[1]) + 1;
  const blocks = Math.ceil(weight.shape[0]! / groups / 64) * Math.ceil((oh * ow) / 64);
  if (oh <= 0 || ow <= 0 || N === 0 || N * groups > 65535 || blocks > 65535) return null;
  // its input gradient is a convTranspose2dGemm over x: that grid must fit too
  if (!transposeGemmFits(N, groups, weight.shape[1]!, H, W, stride)) return null;
  return conv2dGemm(x, weight, bias, { stride, padding: p, dilation, groups });
}

function checkInputChannels(op: string, x: Tensor, inChannels: number): void {
  if (x.shape[1] !== inChannels) throw new ShapeError(op, `expected ${inChannels} input channels (axis 1), got input ${fmtShape(x.shape)}`);
}

/** The shared part of ConvTranspose1d and ConvTranspose2d. */
abstract class ConvTransposeNd extends ConvBase<[Tensor, (readonly number[])?]> {
  /** Padding per spatial axis. */
  readonly padding: number[];
  /** Output padding per spatial axis. */
  readonly outputPadding: number[];

  protected constructor(
    op: string,
    inChannels: number,
    outChannels: number,
    kernelSize: SpatialSize,
    readonly options: ConvTransposeLayerOptions,
    dims: number,
  ) {
    super(op, inChannels, outChannels, kernelSize, options, true, dims);
    this.padding = spatial(op, 'padding', options.padding, 0, dims, 0);
    this.outputPadding = spatial(op, 'outputPadding', options.outputPadding, 0, dims, 0);
    if (this.outputPadding.some((p, i) => p >= Math.max(this.stride[i]!, this.dilation[i]!))) {
      throw new ArgumentError(op, `outputPadding ${pyTuple(this.outputPadding)} must be smaller than either stride ${pyTuple(this.stride)} or dilation ${pyTuple(this.dilation)}`);
    }
  }

  /** Applies the layer; `outputSize` picks among the sizes a strided transpose can produce. */
  forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    return withBatchAxis(this.op, x, this.kernelSize.length, (xb) => {
      checkInputChannels(this.op, xb, this.inChannels);
      return this.transpose(xb, this.outputPaddingFor(xb, outputSize));
    });
  }

  /** The transposed convolution op itself, on a batched input. */
  protected abstract transpose(x: Tensor, outputPadding: number[]): Tensor;

  /**
   * The output padding that gives `outputSize` (spatial lengths, or the full
   * shape), PyTorch's `_output_padding`: each length must lie in
   * [minimum, minimum + stride − 1] with minimum = (in − 1)s − 2p + d(k − 1) + 1.
   */
  protected outputPaddingFor(x: Tensor, outputSize: readonly number[] | undefined): number[] {
    if (outputSize === undefined) return this.outputPadding;
    const k = this.kernelSize.length;
    const sizes = outputSize.length === k + 2 ? outputSize.slice(2) : outputSize.slice();
    if (sizes.length !== k) throw new ArgumentError(this.op, `outputSize must have ${k} or ${k + 2} elements, got [${outputSize.join(', ')}]`);
    const inSizes = x.shape.slice(x.rank - k);
    return sizes.map((size, i) => {
      const min = (inSizes[i]! - 1) * this.stride[i]! - 2 * this.padding[i]! + this.dilation[i]! * (this.kernelSize[i]! - 1) + 1;
      const max = min + this.stride[i]! - 1;
      if (!(size >= min && size <= max)) {
        throw new ArgumentError(this.op, `requested an output size of [${sizes.join(', ')}], but valid sizes along axis ${i} range from ${min} to ${max} (for an input of ${fmtShape(x.shape)})`);
      }
      return size - min;
    });
  }

  /** `16, 8, kernel_size=(4, 4), stride=(2, 2)` plus the options that differ from the defaults, as PyTorch prints them. */
  override extraRepr(): string {
    return this.reprHead(this.padding, this.outputPadding);
  }
}

/**
 * Transposed 1-D convolution over [N, C_in, L] (or [C_in, L]), PyTorch's
 * `nn.ConvTranspose1d`: weight [C_in, C_out/groups, k];
 * L_out = (L − 1)s − 2p + d(k − 1) + outputPadding + 1.
 */
export class ConvTranspose1d extends ConvTransposeNd {
  /** Creates the layer with PyTorch's default initialisation. */
  constructor(inChannels: number, outChannels: number, kernelSize: SpatialSize, options: ConvTransposeLayerOptions = {}) {
    super('ConvTranspose1d', inChannels, outChannels, kernelSize, options, 1);
  }

  protected transpose(x: Tensor, outputPadding: number[]): Tensor {
    if (onImplicitGemm('convTranspose2dGemm', x, this.weight)) {
      // as a 2-D transposed convolution of height 1 (views)
      const y = implicitGemmTranspose(unsqueeze(x, 2), unsqueeze(this.weight, 2), this.bias, [1, this.stride[0]!], [0, this.padding[0]!], [0, outputPadding[0]!], [1, this.dilation[0]!], this.groups);
      if (y !== null) return squeeze(y, 2);
    }
    return convTranspose1d(x, this.weight, this.bias, {
      stride: this.stride[0]!,
      padding: this.padding[0]!,
      outputPadding: outputPadding[0]!,
      dilation: this.dilation[0]!,
      groups: this.groups,
    });
  }
}

/**
 * Transposed 2-D convolution over [N, C_in, H, W] (or [C_in, H, W]),
 * PyTorch's `nn.ConvTranspose2d` (the gradient of Conv2d with respect to its
 * input): weight [C_in, C_out/groups, kh, kw];
 * H_out = (H − 1)s − 2p + d(k − 1) + outputPadding + 1.
 *
 * @example
 * ```ts
 * const up = new ConvTranspose2d(8, 4, 4, { stride: 2, padding: 1 });
 * up.forward(randn([1, 8, 7, 7])).shape; // [1, 4, 14, 14]
 * ```
 */
export class ConvTranspose2d extends ConvTransposeNd {
  /** Creates the layer with PyTorch's default initialisation. */
  constructor(inChannels: number, outChannels: number, kernelSize: SpatialSize, options: ConvTransposeLayerOptions = {}) {
    super('ConvTranspose2d', inChannels, outChannels, kernelSize, options, 2);
  }

  protected transpose(x: Tensor, outputPadding: number[]): Tensor {
    const stride: [number, number] = [this.stride[0]!, this.stride[1]!];
    const padding: [number, number] = [this.padding[0]!, this.padding[1]!];
    const extra: [number, number] = [outputPadding[0]!, outputPadding[1]!];
    const dilation: [number, number] = [this.dilation[0]!, this.dilation[1]!];
    if (onImplicitGemm('convTranspose2dGemm', x, this.weight)) {
      const y = implicitGemmTranspose(x, this.weight, this.bias, stride, padding, extra, dilation, this.groups);
      if (y !== null) return y;
    }
    return convTranspose2d(x, this.weight, this.bias, { stride, padding, outputPadding: extra, dilation, groups: this.groups });
  }
}

/**
 * The transposed convolution of x [N, C_in, H, W] as the one implicit-GEMM op
 * `convTranspose2dGemm` (the input gradient of the convolution it transposes;
 * its own gradient is implicit GEMMs too), or null for the composed matmul +
 * fold path: empty outputs (the composed path reports them) and grids beyond
 * one dispatch.
 */
function implicitGemmTranspose(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  stride: [number, number],
  padding: [number, number],
  outputPadding: [number, number],
  dilation: [number, number],
  groups: number,
): Tensor | null {
  if (x.rank !== 4) return null;
  const [N, , H, W] = x.shape as [number, number, number, number];
  const [Ci, Cog, kh, kw] = weight.shape as [number, number, number, number];
  const Ho = (H - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) + outputPadding[0] + 1;
  const Wo = (W - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) + outputPadding[1] + 1;
  if (Ho <= 0 || Wo <= 0 || N === 0 || !transposeGemmFits(N, groups, Cog, Ho, Wo, stride)) return null;
  // its gradient with respect to x is a conv2dGemm over the output: that grid must fit too
  if (Math.ceil(Ci / groups / 64) * Math.ceil((H * W) / 64) > 65535) return null;
  return convTranspose2dGemm(x, weight, bias, { stride, padding, dilation, groups, outSize: [Ho, Wo] });
}
