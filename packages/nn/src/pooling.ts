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

/** A 1-D size: a number or a one-element list. */
function one(op: string, v: PoolSize): number {
  if (typeof v === 'number') return v;
  if (v.length !== 1) throw new ArgumentError(op, `expected one size for a 1-D pool, got [${v.join(', ')}]`);
  return v[0]!;
}

/** A 2-D size: a number or `[h, w]`. */
function pair(op: string, v: PoolSize): number | [number, number] {
  if (typeof v === 'number') return v;
  if (v.length !== 2) throw new ArgumentError(op, `expected one size or two for a 2-D pool, got [${v.join(', ')}]`);
  return [v[0]!, v[1]!];
}

/** Prints a size as PyTorch stores it: as given (an int or a tuple). */
function sizeRepr(v: PoolSize): string {
  return typeof v === 'number' ? String(v) : pyTuple(v);
}

/** The shared part of the pooling layers: options kept, batch axis added for unbatched inputs. */
abstract class PoolNd<K extends PoolSize, O> extends Module<[Tensor], Tensor> {
  protected constructor(
    private readonly _op: string,
    private readonly _dims: number,
    readonly kernelSize: K,
    readonly options: O,
  ) {
    super();
  }
  /** Pools `x` ([N, C, ...] or unbatched [C, ...]). */
  forward(x: Tensor): Tensor {
    return withBatchAxis(this._op, x, this._dims, (xb) => this.pool(xb, this._op));
  }
  /** The pooling op itself, on a batched input. */
  protected abstract pool(x: Tensor, op: string): Tensor;
}

function maxPoolRepr(k: PoolSize, o: MaxPoolLayerOptions): string {
  return `kernel_size=${sizeRepr(k)}, stride=${sizeRepr(o.stride ?? k)}, padding=${sizeRepr(o.padding ?? 0)}, dilation=${sizeRepr(o.dilation ?? 1)}, ceil_mode=${pyBool(o.ceilMode ?? false)}`;
}

/** The maximum over each window of [N, C, L] (or [C, L]), PyTorch's `nn.MaxPool1d`. */
export class MaxPool1d extends PoolNd<number, MaxPoolLayerOptions> {
  /** Creates the layer. */
  constructor(kernelSize: number, options: MaxPoolLayerOptions = {}) {
    super('MaxPool1d', 1, kernelSize, options);
  }
  protected pool(x: Tensor, op: string): Tensor {
    const o = this.options;
    return maxPool1d(x, this.kernelSize, { stride: one(op, o.stride ?? this.kernelSize), padding: one(op, o.padding ?? 0), dilation: one(op, o.dilation ?? 1), ceilMode: o.ceilMode ?? false });
  }
  /** `kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False` */
  override extraRepr(): string {
    return maxPoolRepr(this.kernelSize, this.options);
  }
}

/** The maximum over each window of [N, C, H, W] (or [C, H, W]), PyTorch's `nn.MaxPool2d`. */
export class MaxPool2d extends PoolNd<PoolSize, MaxPoolLayerOptions> {
  /** Creates the layer. */
  constructor(kernelSize: PoolSize, options: MaxPoolLayerOptions = {}) {
    super('MaxPool2d', 2, kernelSize, options);
  }
  protected pool(x: Tensor, op: string): Tensor {
    const o = this.options;
    return maxPool2d(x, pair(op, this.kernelSize), { stride: pair(op, o.stride ?? this.kernelSize), padding: pair(op, o.padding ?? 0), dilation: pair(op, o.dilation ?? 1), ceilMode: o.ceilMode ?? false });
  }
  /** `kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False` */
  override extraRepr(): string {
    return maxPoolRepr(this.kernelSize, this.options);
  }
}

/** The mean over each window of [N, C, L] (or [C, L]), PyTorch's `nn.AvgPool1d`. */
export class AvgPool1d extends PoolNd<number, Omit<AvgPoolLayerOptions, 'divisorOverride'>> {
  /** Creates the layer. */
  constructor(kernelSize: number, options: Omit<AvgPoolLayerOptions, 'divisorOverride'> = {}) {
    super('AvgPool1d', 1, kernelSize, options);
  }
  protected pool(x: Tensor, op: string): Tensor {
    const o = this.options;
    return avgPool1d(x, this.kernelSize, { stride: one(op, o.stride ?? this.kernelSize), padding: one(op, o.padding ?? 0), ceilMode: o.ceilMode ?? false, countIncludePad: o.countIncludePad ?? true });
  }
  /** `kernel_size=(2,), stride=(2,), padding=(0,)` (PyTorch stores 1-D sizes as tuples) */
  override extraRepr(): string {
    const o = this.options;
    const t = (v: PoolSize) => pyTuple([one('AvgPool1d', v)]);
    return `kernel_size=${t(this.kernelSize)}, stride=${t(o.stride ?? this.kernelSize)}, padding=${t(o.padding ?? 0)}`;
  }
}

/** The mean over each window of [N, C, H, W] (or [C, H, W]), PyTorch's `nn.AvgPool2d`. */
export class AvgPool2d extends PoolNd<PoolSize, AvgPoolLayerOptions> {
  /** Creates the layer. */
  constructor(kernelSize: PoolSize, options: AvgPoolLayerOptions = {}) {
    super('AvgPool2d', 2, kernelSize, options);
  }
  protected pool(x: Tensor, op: string): Tensor {
    const o = this.options;
    return avgPool2d(x, pair(op, this.kernelSize), {
      stride: pair(op, o.stride ?? this.kernelSize),
      padding: pair(op, o.padding ?? 0),
      ceilMode: o.ceilMode ?? false,
      countIncludePad: o.countIncludePad ?? true,
      ...(o.divisorOverride !== undefined ? { divisorOverride: o.divisorOverride } : {}),
    });
  }
  /** `kernel_size=2, stride=2, padding=0` */
  override extraRepr(): string {
    const o = this.options;
    return `kernel_size=${sizeRepr(this.kernelSize)}, stride=${sizeRepr(o.stride ?? this.kernelSize)}, padding=${sizeRepr(o.padding ?? 0)}`;
  }
}
