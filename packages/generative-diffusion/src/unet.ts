import {
  ArgumentError,
  ShapeError,
  concat,
  fmtShape,
  silu,
  type Tensor,
} from '@webgrad/core-tensor';
import {
  Conv2d,
  Linear,
  Module,
  ModuleList,
  SiLU,
  Sequential,
  Upsample,
} from '@webgrad/nn';
import { GroupNorm } from '@webgrad/regularize';
import type { Denoiser } from './denoiser.js';
import { conditioningEmbedding, zeroOutputLayer } from './denoiser-conditioning.js';
import { LabelEmbedding } from './label-embedding.js';
import { SinusoidalTimeEmbedding } from './timestep-embedding.js';
import { UNetResBlock, gcd } from './unet-res-block.js';

/** Options of `UNet`. */
export interface UNetOptions {
  /** Channels of the images (default 1). */
  inChannels?: number;
  /** Channels of the prediction (default `inChannels`). */
  outChannels?: number;
  /** Channels at full resolution (default 32). */
  baseChannels?: number;
  /** Channel multiplier per resolution, one entry per level; each level after the first halves H and W (default [1, 2]). */
  channelMults?: readonly number[];
  /** Residual blocks per level on each side (default 1). */
  numResBlocks?: number;
  /** GroupNorm groups (gcd(groups, channels) per layer; default 8). */
  groups?: number;
  /** Dropout inside the residual blocks (default 0). */
  dropout?: number;
  /** Width of the time embedding (default 4 · baseChannels). */
  timeEmbedDim?: number;
  /** Classes to condition on (default 0: unconditional); the label `numClasses` means "no label". */
  numClasses?: number;
}

/**
 * A small U-Net denoiser for images [B, C, H, W] (Ronneberger et al. 2015,
 * in the form of Ho et al. 2020 without attention): a 3×3 input
 * convolution; per level `numResBlocks` residual blocks (GroupNorm, SiLU,
 * 3×3 convolutions, the time embedding added between them) whose outputs are
 * kept as skip connections, then a stride-2 convolution to the next level;
 * a middle block; the mirror-image path that concatenates each skip before
 * its block and upsamples (nearest, then 3×3 convolution); and GroupNorm,
 * SiLU and a zero-initialised 3×3 output convolution. The timestep goes
 * through a sinusoidal embedding of width `baseChannels` and a two-layer MLP;
 * a class embedding is added to it when `numClasses > 0`.
 *
 * H and W must be divisible by 2^(levels − 1). With the defaults on 8×8
 * images the levels are 8×8×32 and 4×4×64.
 *
 * @example
 * ```ts
 * import { UNet } from '@webgrad/generative-diffusion';
 * import { randn, tensor } from '@webgrad/core-tensor';
 * const unet = new UNet({ baseChannels: 16 });
 * unet.forward(randn([2, 1, 8, 8]), tensor([3, 40], { dtype: 'int32' })).shape; // [2, 1, 8, 8]
 * ```
 */
export class UNet extends Module<[Tensor, Tensor, Tensor?], Tensor> implements Denoiser {
  /** Sinusoidal embedding of t, width baseChannels. */
  timeEmbed: SinusoidalTimeEmbedding;
  /** Two-layer MLP on the time embedding, to width timeEmbedDim. */
  timeMlp: Sequential;
  /** Class embedding (numClasses + 1 rows), or null. */
  labelEmbed: LabelEmbedding | null;
  /** 3×3 input convolution to baseChannels. */
  convIn: Conv2d;
  /** Residual blocks of the contracting path, level by level. */
  downBlocks: ModuleList<UNetResBlock>;
  /** Stride-2 3×3 convolutions between levels. */
  downsamples: ModuleList<Conv2d>;
  /** The block at the lowest resolution. */
  mid: UNetResBlock;
  /** Residual blocks of the expanding path, each reading the concatenated skip. */
  upBlocks: ModuleList<UNetResBlock>;
  /** Nearest-neighbour ×2 upsampling followed by a 3×3 convolution, between levels. */
  upsamples: ModuleList<Sequential>;
  /** GroupNorm before the output. */
  normOut: GroupNorm;
  /** 3×3 output convolution (zero-initialised). */
  convOut: Conv2d;
  /** The options with defaults filled in. */
  readonly options: Required<UNetOptions>;

  /** Creates the network. */
  constructor(options: UNetOptions = {}) {
    super();
    const inChannels = options.inChannels ?? 1;
    const base = options.baseChannels ?? 32;
    const o = (this.options = {
      inChannels,
      outChannels: options.outChannels ?? inChannels,
      baseChannels: base,
      channelMults: [...(options.channelMults ?? [1, 2])],
      numResBlocks: options.numResBlocks ?? 1,
      groups: options.groups ?? 8,
      dropout: options.dropout ?? 0,
      timeEmbedDim: options.timeEmbedDim ?? 4 * base,
      numClasses: options.numClasses ?? 0,
    });
    for (const k of [
      'inChannels',
      'outChannels',
      'baseChannels',
      'numResBlocks',
      'groups',
      'timeEmbedDim',
      'numClasses',
    ] as const) {
      const min = k === 'numClasses' ? 0 : 1;
      if (!Number.isInteger(o[k]) || o[k] < min)
        throw new ArgumentError('UNet', `${k} must be an integer >= ${min}, got ${o[k]}`);
    }
    if (
      o.channelMults.length === 0 ||
      !o.channelMults.every((m) => Number.isInteger(m) && m >= 1)
    ) {
      throw new ArgumentError(
        'UNet',
        `channelMults must be a non-empty list of positive integers, got [${o.channelMults.join(', ')}]`,
      );
    }
    const e = o.timeEmbedDim;
    const block = (cin: number, cout: number): UNetResBlock =>
      new UNetResBlock(cin, cout, e, o.groups, o.dropout);
    const widths = o.channelMults.map((m) => m * base);
    this.timeEmbed = new SinusoidalTimeEmbedding(base);
    this.timeMlp = new Sequential(new Linear(base, e), new SiLU(), new Linear(e, e));
    this.labelEmbed = o.numClasses > 0 ? new LabelEmbedding(o.numClasses, e) : null;
    this.convIn = new Conv2d(o.inChannels, base, 3, { padding: 1 });
    const down: UNetResBlock[] = [];
    const downsamples: Conv2d[] = [];
    let ch = base;
    widths.forEach((w, level) => {
      for (let r = 0; r < o.numResBlocks; r++, ch = w) down.push(block(ch, w));
      if (level < widths.length - 1)
        downsamples.push(new Conv2d(w, w, 3, { stride: 2, padding: 1 }));
    });
    this.downBlocks = new ModuleList(down);
    this.downsamples = new ModuleList(downsamples);
    this.mid = block(ch, ch);
    const up: UNetResBlock[] = [];
    const upsamples: Sequential[] = [];
    for (let level = widths.length - 1; level >= 0; level--) {
      const w = widths[level]!;
      for (let r = 0; r < o.numResBlocks; r++, ch = w) up.push(block(ch + w, w));
      if (level > 0)
        upsamples.push(
          new Sequential(
            new Upsample({ scaleFactor: 2, mode: 'nearest' }),
            new Conv2d(w, w, 3, { padding: 1 }),
          ),
        );
    }
    this.upBlocks = new ModuleList(up);
    this.upsamples = new ModuleList(upsamples);
    this.normOut = new GroupNorm(gcd(o.groups, base), base);
    this.convOut = new Conv2d(base, o.outChannels, 3, { padding: 1 });
    zeroOutputLayer(this.convOut);
  }

  /** Classes it is conditioned on (0 when unconditional). */
  get numClasses(): number {
    return this.options.numClasses;
  }

  /** The prediction for noisy images zₜ [B, C, H, W] at timesteps t [B] (int32), optionally with labels [B]. */
  forward(zt: Tensor, t: Tensor, labels?: Tensor): Tensor {
    this.checkInput(zt);
    const e = conditioningEmbedding('UNet', this, zt, t, labels);
    const levels = this.options.channelMults.length;
    const perLevel = this.options.numResBlocks;
    const skips: Tensor[] = [];
    let h = this.convIn.forward(zt);
    for (let level = 0; level < levels; level++) {
      for (let r = 0; r < perLevel; r++) {
        h = this.downBlocks.at(level * perLevel + r).forward(h, e);
        skips.push(h);
      }
      if (level < levels - 1) h = this.downsamples.at(level).forward(h);
    }
    h = this.mid.forward(h, e);
    for (let k = 0; k < levels; k++) {
      for (let r = 0; r < perLevel; r++)
        h = this.upBlocks.at(k * perLevel + r).forward(concat([h, skips.pop()!], 1), e);
      if (k < levels - 1) h = this.upsamples.at(k).forward(h);
    }
    return this.convOut.forward(silu(this.normOut.forward(h)));
  }

  /** `in_channels=…, base_channels=…, channel_mults=(…), num_res_blocks=…` */
  override extraRepr(): string {
    const o = this.options;
    return `in_channels=${o.inChannels}, base_channels=${o.baseChannels}, channel_mults=(${o.channelMults.join(', ')}), num_res_blocks=${o.numResBlocks}, num_classes=${o.numClasses}`;
  }

  private checkInput(zt: Tensor): void {
    const o = this.options;
    const factor = 2 ** (o.channelMults.length - 1);
    if (
      zt.rank !== 4 ||
      zt.shape[1] !== o.inChannels ||
      zt.shape[2]! % factor !== 0 ||
      zt.shape[3]! % factor !== 0
    ) {
      throw new ShapeError(
        'UNet',
        `expected zt [B, ${o.inChannels}, H, W] with H and W divisible by ${factor}, got ${fmtShape(zt.shape)}`,
      );
    }
  }
}
