import type { Tensor } from '@webgrad/core-tensor';
import { Linear, Module } from '@webgrad/nn';
import { Dropout, LayerNorm } from '@webgrad/regularize';
import { attentionSublayer, feedForward } from './transformer-sublayers.js';
import { copyModuleState } from './module-copy.js';
import { MultiheadAttention } from './multihead-attention.js';
import { resolveActivation } from './transformer-activation.js';
import { resolveLayerOptions, type ResolvedTransformerLayerOptions, type TransformerLayerOptions } from './transformer-layer-options.js';

/** Options of `TransformerDecoderLayer.forward` (PyTorch's keyword arguments, in camelCase). */
export interface TransformerDecoderLayerForwardOptions {
  /** Self-attention mask [T, T] or [N·nhead, T, T], usually the causal mask. */
  tgtMask?: Tensor | null;
  /** Cross-attention mask [T, S] or [N·nhead, T, S]. */
  memoryMask?: Tensor | null;
  /** Target padding [N, T]: true marks tokens no query may attend to. */
  tgtKeyPaddingMask?: Tensor | null;
  /** Source padding [N, S]: true marks tokens no query may attend to. */
  memoryKeyPaddingMask?: Tensor | null;
  /** Apply the causal mask in self-attention (built when `tgtMask` is absent). */
  tgtIsCausal?: boolean;
  /** Apply the causal mask in cross-attention (built when `memoryMask` is absent). */
  memoryIsCausal?: boolean;
}

/**
 * One decoder layer of the transformer, PyTorch's `nn.TransformerDecoderLayer`:
 * masked self-attention over the target, cross-attention from the target
 * (queries) to the encoder's output `memory` (keys and values), and the
 * feed-forward network, each in a residual connection with layer norm
 * (post-norm by default, pre-norm with `normFirst`).
 *
 * @example
 * ```ts
 * const layer = new TransformerDecoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
 * const tgt = randn([2, 5, 16]), memory = randn([2, 7, 16]);
 * const y = layer.forward(tgt, memory, { tgtMask: generateSquareSubsequentMask(5) }); // [2, 5, 16]
 * ```
 */
export class TransformerDecoderLayer extends Module<[Tensor, Tensor, TransformerDecoderLayerForwardOptions?], Tensor> {
  /** The masked self-attention over the target. */
  self_attn: MultiheadAttention;
  /** The cross-attention to the memory. */
  multihead_attn: MultiheadAttention;
  /** First feed-forward projection dModel → dimFeedforward. */
  linear1: Linear;
  /** Dropout inside the feed-forward network. */
  dropout: Dropout;
  /** Second feed-forward projection dimFeedforward → dModel. */
  linear2: Linear;
  /** Norm of the self-attention sub-layer. */
  norm1: LayerNorm;
  /** Norm of the cross-attention sub-layer. */
  norm2: LayerNorm;
  /** Norm of the feed-forward sub-layer. */
  norm3: LayerNorm;
  /** Dropout on the self-attention output. */
  dropout1: Dropout;
  /** Dropout on the cross-attention output. */
  dropout2: Dropout;
  /** Dropout on the feed-forward output. */
  dropout3: Dropout;
  /** The options with their defaults filled in. */
  readonly options: ResolvedTransformerLayerOptions;
  private readonly _activation: (x: Tensor) => Tensor;

  /** Creates the layer for dModel features and nhead heads. */
  constructor(
    readonly dModel: number,
    readonly nhead: number,
    options: TransformerLayerOptions = {},
  ) {
    super();
    // Line for line like TransformerEncoderLayer's constructor, on purpose: each list is the
    // order PyTorch registers that class's submodules in (so state dicts list the same keys in
    // the same order), and the decoder's interleaves multihead_attn, norm3 and dropout3.
    const o = resolveLayerOptions('TransformerDecoderLayer', dModel, nhead, options);
    this.options = o;
    const gen = o.generator ? { generator: o.generator } : {};
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: o.dropout, batchFirst: o.batchFirst, ...gen });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout: o.dropout, batchFirst: o.batchFirst, ...gen });
    this.linear1 = new Linear(dModel, o.dimFeedforward);
    this.dropout = new Dropout(o.dropout, gen);
    this.linear2 = new Linear(o.dimFeedforward, dModel);
    this.norm1 = new LayerNorm(dModel, { eps: o.layerNormEps });
    this.norm2 = new LayerNorm(dModel, { eps: o.layerNormEps });
    this.norm3 = new LayerNorm(dModel, { eps: o.layerNormEps });
    this.dropout1 = new Dropout(o.dropout, gen);
    this.dropout2 = new Dropout(o.dropout, gen);
    this.dropout3 = new Dropout(o.dropout, gen);
    this._activation = resolveActivation('TransformerDecoderLayer', o.activation);
  }

  /** Decodes `tgt` [T, N, dModel] attending to `memory` [S, N, dModel] (batch first with batchFirst; unbatched without N). */
  forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderLayerForwardOptions = {}): Tensor {
    let x = tgt;
    if (this.options.normFirst) {
      x = x.add(this.selfAttentionBlock(this.norm1.forward(x), options));
      x = x.add(this.crossAttentionBlock(this.norm2.forward(x), memory, options));
      x = x.add(this.feedForwardBlock(this.norm3.forward(x)));
    } else {
      x = this.norm1.forward(x.add(this.selfAttentionBlock(x, options)));
      x = this.norm2.forward(x.add(this.crossAttentionBlock(x, memory, options)));
      x = this.norm3.forward(x.add(this.feedForwardBlock(x)));
    }
    return x;
  }

  /** A deep copy (PyTorch's `copy.deepcopy`): same options, weights and train/eval flags, new storage. */
  deepCopy(): TransformerDecoderLayer {
    return copyModuleState(this, new TransformerDecoderLayer(this.dModel, this.nhead, this.options));
  }

  private selfAttentionBlock(x: Tensor, options: TransformerDecoderLayerForwardOptions): Tensor {
    return attentionSublayer(this.self_attn, this.dropout1, x, x, { mask: options.tgtMask, keyPaddingMask: options.tgtKeyPaddingMask, isCausal: options.tgtIsCausal });
  }

  private crossAttentionBlock(x: Tensor, memory: Tensor, options: TransformerDecoderLayerForwardOptions): Tensor {
    return attentionSublayer(this.multihead_attn, this.dropout2, x, memory, { mask: options.memoryMask, keyPaddingMask: options.memoryKeyPaddingMask, isCausal: options.memoryIsCausal });
  }

  private feedForwardBlock(x: Tensor): Tensor {
    return this.dropout3.forward(feedForward(x, this.linear1, this._activation, this.dropout, this.linear2));
  }
}
