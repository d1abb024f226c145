import type { Tensor } from '@webgrad/core-tensor';
import { Module, type ModuleList } from '@webgrad/nn';
import { cloneLayers } from './module-copy.js';
import type { LayerNorm } from '@webgrad/regularize';
import type { TransformerEncoderLayer } from './transformer-encoder-layer.js';

/** Options of `TransformerEncoder`. */
export interface TransformerEncoderOptions {
  /** A final norm applied to the output of the last layer (PyTorch's `norm`; pre-norm stacks need one). */
  norm?: LayerNorm | null;
}

/** Options of `TransformerEncoder.forward` (PyTorch's keyword arguments, in camelCase). */
export interface TransformerEncoderForwardOptions {
  /** Self-attention mask for every layer, [S, S] or [N·nhead, S, S]. */
  mask?: Tensor | null;
  /** Key padding [N, S]: true marks padding tokens no query may attend to. */
  srcKeyPaddingMask?: Tensor | null;
  /** Apply the causal mask in every layer. */
  isCausal?: boolean;
}

/**
 * A stack of `numLayers` encoder layers, PyTorch's `nn.TransformerEncoder`:
 * the layers are deep copies of `encoderLayer` (so they start from the same
 * weights, as PyTorch's `_get_clones`), registered as `layers.0`, `layers.1`,
 * …, followed by the optional final `norm`.
 *
 * @example
 * ```ts
 * const layer = new TransformerEncoderLayer(16, 4, { dimFeedforward: 32 });
 * const encoder = new TransformerEncoder(layer, 2, { norm: new LayerNorm(16) });
 * const memory = encoder.forward(randn([7, 2, 16])); // [7, 2, 16]
 * ```
 */
export class TransformerEncoder extends Module<[Tensor, TransformerEncoderForwardOptions?], Tensor> {
  /** The layers, deep copies of the layer given. */
  layers: ModuleList<TransformerEncoderLayer>;
  /** The final norm, or null. */
  norm: LayerNorm | null;

  /** Stacks `numLayers` copies of `encoderLayer`. */
  constructor(
    encoderLayer: TransformerEncoderLayer,
    readonly numLayers: number,
    options: TransformerEncoderOptions = {},
  ) {
    super();
    this.layers = cloneLayers('TransformerEncoder', encoderLayer, numLayers);
    this.norm = options.norm ?? null;
  }

  /** Runs `src` through every layer with the same masks, then the final norm. */
  forward(src: Tensor, options: TransformerEncoderForwardOptions = {}): Tensor {
    let x = src;
    for (const layer of this.layers) {
      x = layer.forward(x, { srcMask: options.mask ?? null, srcKeyPaddingMask: options.srcKeyPaddingMask ?? null, isCausal: options.isCausal ?? false });
    }
    return this.norm ? this.norm.forward(x) : x;
  }
}
