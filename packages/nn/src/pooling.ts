import { ArgumentError, avgPool1d, avgPool2d, maxPool1d, maxPool2d, type Tensor } from '@webgrad/core-tensor';
import { withBatchAxis } from './batch-axis.js';
import { Module } from './module.js';
import { pyBool, pyTuple } from './python-repr.js';

/** A pooling size: one number for every spatial axis, or one per axis (`[h, w]` in 2-D). */
export type PoolSize = number | readonly number[];

/** Options of `MaxPool1d` / `MaxPool2d` (PyTorch's names and defaults). */
export interface MaxPoolLayerOptions {
  /** Step between windows (default: the kernel size). */
  stride?: PoolSize;
  /** Implicit −∞ padding on both sides, at most half the kernel (default 0). */
  padding?: PoolSize;
  /** Spacing between window taps (default 1). */
  dilation?: PoolSize;
  /** Round the output length up instead of down (default false). */
  ceilMode?: boolean;
}

/** Options of `AvgPool1d` / `AvgPool2d` (PyTorch's names and defaults). */
export interface AvgPoolLayerOptions {
  /** Step between windows (default: the kernel size). */
  stride?: PoolSize;
  /** Implicit zero padding on both sides, at most half the kernel (default 0). */
  padding?: PoolSize;
  /** Round the output length up instead of down (default false). */
  ceilMode?: boolean;
  /** Count padding zeros in each average's divisor (default true). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window size (2-D only, as in PyTorch). */
  divisorOverride?: number;
}

function first(op: string, v: PoolSize | undefined): number | undefined {
  if (v === undefined || typeof v === 'number') return v;
  if (v.length !== 1) throw new ArgumentError(op, `expected one size for a 1-D pool, got [${v.join(', ')}]`);
  return v[0];
}

function pair(op: string, v: PoolSize): number | [number, number] {
  if (typeof v === 'number') return v;
  if (v.length !== 2) throw new ArgumentError(op, `expected one size or two for a 2-D pool, got [${v.join(', ')}]`);
  return [v[0]!, v[1]!];
}

/** Prints a size as PyTorch stores it: as given (an int or a tuple). */
function sizeRepr(v: PoolSize): string {
  return typeof v === 'number' ? String(v) : pyTuple(v);
}

/** The maximum over each window of [N, C, L] (or [C, L]), PyTorch's `nn.MaxPool1d`. */
export class MaxPool1d extends Module<[Tensor], Tensor> {
  /** Creates the layer. */
  constructor(
    readonly kernelSize: number,
    readonly options: MaxPoolLayerOptions = {},
  ) {
    super();
  }
  /** Pools `x`. */
  forward(x: Tensor): Tensor {
    const o = this.options;
    return withBatchAxis('MaxPool1d', x, 1, (xb) =>
      maxPool1d(xb, this.kernelSize, { stride: first('MaxPool1d', o.stride), padding: first('MaxPool1d', o.padding) ?? 0, dilation: first('MaxPool1d', o.dilation) ?? 1, ceilMode: o.ceilMode ?? false }),
    );
  }
  /** `kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False` */
  override extraRepr(): string {
    return maxPoolRepr(this.kernelSize, this.options);
  }
}

/** The maximum over each window of [N, C, H, W] (or [C, H, W]), PyTorch's `nn.MaxPool2d`. */
export class MaxPool2d extends Module<[Tensor], Tensor> {
  /** Creates the layer. */
  constructor(
    readonly kernelSize: PoolSize,
    readonly options: MaxPoolLayerOptions = {},
  ) {
    super();
  }
  /** Pools `x`. */
  forward(x: Tensor): Tensor {
    const o = this.options;
    return withBatchAxis('MaxPool2d', x, 2, (xb) =>
      maxPool2d(xb, pair('MaxPool2d', this.kernelSize), {
        stride: pair('MaxPool2d', o.stride ?? this.kernelSize),
        padding: pair('MaxPool2d', o.padding ?? 0),
        dilation: pair('MaxPool2d', o.dilation ?? 1),
        ceilMode: o.ceilMode ?? false,
      }),
    );
  }
  /** `kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False` */
  override extraRepr(): string {
    return maxPoolRepr(this.kernelSize, this.options);
  }
}

function maxPoolRepr(k: PoolSize, o: MaxPoolLayerOptions): string {
  return `kernel_size=${sizeRepr(k)}, stride=${sizeRepr(o.stride ?? k)}, padding=${sizeRepr(o.padding ?? 0)}, dilation=${sizeRepr(o.dilation ?? 1)}, ceil_mode=${pyBool(o.ceilMode ?? false)}`;
}

/** The mean over each window of [N, C, L] (or [C, L]), PyTorch's `nn.AvgPool1d`. */
export class AvgPool1d extends Module<[Tensor], Tensor> {
  /** Creates the layer. */
  constructor(
    readonly kernelSize: number,
    readonly options: Omit<AvgPoolLayerOptions, 'divisorOverride'> = {},
  ) {
    super();
  }
  /** Pools `x`. */
  forward(x: Tensor): Tensor {
    const o = this.options;
    return withBatchAxis('AvgPool1d', x, 1, (xb) =>
      avgPool1d(xb, this.kernelSize, { stride: first('AvgPool1d', o.stride), padding: first('AvgPool1d', o.padding) ?? 0, ceilMode: o.ceilMode ?? false, countIncludePad: o.countIncludePad ?? true }),
    );
  }
  /** `kernel_size=(2,), stride=(2,), padding=(0,)` (PyTorch stores 1-D sizes as tuples) */
  override extraRepr(): string {
    const o = this.options;
    const one = (v: PoolSize | undefined, d: number) => pyTuple([first('AvgPool1d', v) ?? d]);
    return `kernel_size=${pyTuple([this.kernelSize])}, stride=${one(o.stride, this.kernelSize)}, padding=${one(o.padding, 0)}`;
  }
}

/** The mean over each window of [N, C, H, W] (or [C, H, W]), PyTorch's `nn.AvgPool2d`. */
export class AvgPool2d extends Module<[Tensor], Tensor> {
  /** Creates the layer. */
  constructor(
    readonly kernelSize: PoolSize,
    readonly options: AvgPoolLayerOptions = {},
  ) {
    super();
  }
  /** Pools `x`. */
  forward(x: Tensor): Tensor {
    const o = this.options;
    return withBatchAxis('AvgPool2d', x, 2, (xb) =>
      avgPool2d(xb, pair('AvgPool2d', this.kernelSize), {
        stride: pair('AvgPool2d', o.stride ?? this.kernelSize),
        padding: pair('AvgPool2d', o.padding ?? 0),
        ceilMode: o.ceilMode ?? false,
        countIncludePad: o.countIncludePad ?? true,
        ...(o.divisorOverride !== undefined ? { divisorOverride: o.divisorOverride } : {}),
      }),
    );
  }
  /** `kernel_size=2, stride=2, padding=0` */
  override extraRepr(): string {
    const o = this.options;
    return `kernel_size=${sizeRepr(this.kernelSize)}, stride=${sizeRepr(o.stride ?? this.kernelSize)}, padding=${sizeRepr(o.padding ?? 0)}`;
  }
}
