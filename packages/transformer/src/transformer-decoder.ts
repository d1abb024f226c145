import type { Tensor } from '@webgrad/core-tensor';
import { Module, type ModuleList } from '@webgrad/nn';
import { cloneLayers } from './module-copy.js';
import type { LayerNorm } from '@webgrad/regularize';
import type { TransformerDecoderLayer, TransformerDecoderLayerForwardOptions } from './transformer-decoder-layer.js';

/** Options of `TransformerDecoder`. */
export interface TransformerDecoderOptions {
  /** A final norm applied to the output of the last layer. */
  norm?: LayerNorm | null;
}

/**
 * A stack of `numLayers` decoder layers, PyTorch's `nn.TransformerDecoder`:
 * deep copies of `decoderLayer` registered as `layers.0`, `layers.1`, …,
 * each attending to the same `memory`, then the optional final `norm`.
 *
 * @example
 * ```ts
 * const decoder = new TransformerDecoder(new TransformerDecoderLayer(16, 4, { dimFeedforward: 32 }), 2);
 * const y = decoder.forward(randn([5, 2, 16]), randn([7, 2, 16]), { tgtMask: generateSquareSubsequentMask(5) });
 * ```
 */
export class TransformerDecoder extends Module<[Tensor, Tensor, TransformerDecoderLayerForwardOptions?], Tensor> {
  /** The layers, deep copies of the layer given. */
  layers: ModuleList<TransformerDecoderLayer>;
  /** The final norm, or null. */
  norm: LayerNorm | null;

  /** Stacks `numLayers` copies of `decoderLayer`. */
  constructor(
    decoderLayer: TransformerDecoderLayer,
    readonly numLayers: number,
    options: TransformerDecoderOptions = {},
  ) {
    super();
    this.layers = cloneLayers('TransformerDecoder', decoderLayer, numLayers);
    this.norm = options.norm ?? null;
  }

  /** Runs `tgt` through every layer (each attending to `memory`) with the same masks, then the final norm. */
  forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderLayerForwardOptions = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = layer.forward(x, memory, options);
    return this.norm ? this.norm.forward(x) : x;
  }
}
