import { ArgumentError, ShapeError, concat, fmtShape, permute, reshape, select, zeros, type Generator, type Tensor } from '@webgrad/core-tensor';
import { Conv2d, Linear, Module, Parameter, normal_ } from '@webgrad/nn';
import { Dropout, LayerNorm } from '@webgrad/regularize';
import { TransformerEncoder } from './transformer-encoder.js';
import { TransformerEncoderLayer } from './transformer-encoder-layer.js';

/**
 * Cuts an image into non-overlapping patches and embeds each one linearly, as
 * ViT: a convolution with kernel = stride = patchSize is exactly one linear
 * map per patch. [N, C, H, W] → [N, (H/p)·(W/p), dim], patches in row-major order.
 */
export class PatchEmbedding extends Module<[Tensor], Tensor> {
  /** The patch projection. */
  proj: Conv2d;

  /** Patches of patchSize×patchSize pixels of inChannels channels, embedded in dim features. */
  constructor(
    readonly inChannels: number,
    readonly dim: number,
    readonly patchSize: number,
  ) {
    super();
    this.proj = new Conv2d(inChannels, dim, patchSize, { stride: patchSize });
  }

  /** [N, C, H, W] → [N, numPatches, dim]. */
  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.inChannels || x.shape[2]! % this.patchSize !== 0 || x.shape[3]! % this.patchSize !== 0) {
      throw new ShapeError('PatchEmbedding', `expected images [N, ${this.inChannels}, H, W] with H and W multiples of ${this.patchSize}, got ${fmtShape(x.shape)}`);
    }
    const y = this.proj.forward(x); // [N, dim, H/p, W/p]
    return permute(reshape(y, [y.shape[0]!, this.dim, -1]), [0, 2, 1]);
  }
}

/** Options of `VisionTransformer`. */
export interface VisionTransformerOptions {
  /** Image height and width (a number for square images). */
  imageSize: number | readonly [number, number];
  /** Side of the square patches (must divide the image sides). */
  patchSize: number;
  /** Image channels (default 1). */
  inChannels?: number;
  /** Classes to predict. */
  numClasses: number;
  /** Features per token. */
  dim: number;
  /** Encoder layers. */
  depth: number;
  /** Attention heads. */
  heads: number;
  /** Width of the feed-forward networks (default 4·dim). */
  mlpDim?: number;
  /** Dropout in the encoder and after the position embedding (default 0). */
  dropout?: number;
  /** The random stream of the dropouts. */
  generator?: Generator;
}

/**
 * A vision transformer (Dosovitskiy et al. 2021): the image is cut into
 * patches, each embedded linearly (`patch_embed`); a learned class token
 * (`cls_token`) is put in front and learned positions (`pos_embed`) added;
 * a pre-norm GELU transformer encoder (`encoder`, with a final norm) mixes
 * the tokens; the class token's output is classified by `head`.
 *
 * @example
 * ```ts
 * const vit = new VisionTransformer({ imageSize: 8, patchSize: 2, numClasses: 10, dim: 32, depth: 2, heads: 4 });
 * const logits = vit.forward(images.reshape([-1, 1, 8, 8])); // [N, 10]
 * ```
 */
export class VisionTransformer extends Module<[Tensor], Tensor> {
  /** The patch embedding. */
  patch_embed: PatchEmbedding;
  /** The class token [1, 1, dim]. */
  cls_token: Parameter;
  /** Learned positions of the class token and the patches [1, 1 + numPatches, dim]. */
  pos_embed: Parameter;
  /** Dropout after adding the positions. */
  pos_drop: Dropout;
  /** The pre-norm encoder stack with its final norm. */
  encoder: TransformerEncoder;
  /** The classifier on the class token. */
  head: Linear;
  /** Number of patches per image. */
  readonly numPatches: number;
  /** The options the model was made with. */
  readonly options: Readonly<VisionTransformerOptions>;

  /** Builds the model; cls_token and pos_embed start N(0, 0.02²). */
  constructor(options: VisionTransformerOptions) {
    super();
    const op = 'VisionTransformer';
    const [h, w] = typeof options.imageSize === 'number' ? [options.imageSize, options.imageSize] : options.imageSize;
    const p = options.patchSize;
    if (!Number.isInteger(p) || p < 1 || h % p !== 0 || w % p !== 0) throw new ArgumentError(op, `patchSize ${p} must divide the image size ${h}×${w}`);
    this.options = options;
    this.numPatches = (h / p) * (w / p);
    const gen = options.generator ? { generator: options.generator } : {};
    const dropout = options.dropout ?? 0;
    this.patch_embed = new PatchEmbedding(options.inChannels ?? 1, options.dim, p);
    this.cls_token = new Parameter(zeros([1, 1, options.dim]));
    this.pos_embed = new Parameter(zeros([1, 1 + this.numPatches, options.dim]));
    normal_(this.cls_token, 0, 0.02);
    normal_(this.pos_embed, 0, 0.02);
    this.pos_drop = new Dropout(dropout, gen);
    const layer = new TransformerEncoderLayer(options.dim, options.heads, {
      dimFeedforward: options.mlpDim ?? 4 * options.dim,
      dropout,
      activation: 'gelu',
      batchFirst: true,
      normFirst: true,
      ...gen,
    });
    this.encoder = new TransformerEncoder(layer, options.depth, { norm: new LayerNorm(options.dim) });
    this.head = new Linear(options.dim, options.numClasses);
  }

  /** Class logits [N, numClasses] for images [N, C, H, W]. */
  forward(images: Tensor): Tensor {
    const patches = this.patch_embed.forward(images); // [N, P, dim]
    const N = patches.shape[0]!;
    const tokens = concat([this.cls_token.expand([N, 1, this.options.dim]), patches], 1).add(this.pos_embed);
    const encoded = this.encoder.forward(this.pos_drop.forward(tokens));
    return this.head.forward(select(encoded, 1, 0));
  }
}
