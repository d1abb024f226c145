import { silu, type Tensor } from '@webgrad/core-tensor';
import { Conv2d, Linear, Module } from '@webgrad/nn';
import { Dropout, GroupNorm } from '@webgrad/regularize';

/**
 * The residual block of `UNet` (Ho et al. 2020, after Wide ResNet), with the
 * time embedding injected between its two convolutions:
 *
 *   h = Conv₁(SiLU(GN₁(x))) + W_e SiLU(e)   (broadcast over positions),
 *   out = skip(x) + Conv₂(Dropout(SiLU(GN₂(h)))),
 *
 * where skip is the identity when the channel count is unchanged and a 1×1
 * convolution otherwise. GroupNorm uses gcd(groups, channels) groups.
 */
export class UNetResBlock extends Module<[Tensor, Tensor], Tensor> {
  /** GN₁ over the input channels. */
  norm1: GroupNorm;
  /** Conv₁, 3×3. */
  conv1: Conv2d;
  /** W_e, the time-embedding projection to the output channels. */
  timeProj: Linear;
  /** GN₂ over the output channels. */
  norm2: GroupNorm;
  /** Dropout before Conv₂. */
  dropout: Dropout;
  /** Conv₂, 3×3. */
  conv2: Conv2d;
  /** 1×1 convolution on the skip path when the channel count changes, else null. */
  skip: Conv2d | null;

  /** Creates a block from `inChannels` to `outChannels` reading an embedding of width `embedDim`. */
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly embedDim: number,
    groups: number,
    dropout = 0,
  ) {
    super();
    this.norm1 = new GroupNorm(gcd(groups, inChannels), inChannels);
    this.conv1 = new Conv2d(inChannels, outChannels, 3, { padding: 1 });
    this.timeProj = new Linear(embedDim, outChannels);
    this.norm2 = new GroupNorm(gcd(groups, outChannels), outChannels);
    this.dropout = new Dropout(dropout);
    this.conv2 = new Conv2d(outChannels, outChannels, 3, { padding: 1 });
    this.skip = inChannels === outChannels ? null : new Conv2d(inChannels, outChannels, 1);
  }

  /** The block on x [B, C_in, H, W] with the activated-later embedding e [B, E]. */
  forward(x: Tensor, e: Tensor): Tensor {
    const [b, c] = [x.shape[0]!, this.outChannels];
    let h = this.conv1.forward(silu(this.norm1.forward(x)));
    h = h.add(this.timeProj.forward(silu(e)).reshape([b, c, 1, 1]));
    h = this.conv2.forward(this.dropout.forward(silu(this.norm2.forward(h))));
    return (this.skip ? this.skip.forward(x) : x).add(h);
  }
}

/** The greatest common divisor, so a group count always divides the channels. */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
