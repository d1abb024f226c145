import type { Tensor } from '@webgrad/core-tensor';
import { Linear, Module } from '@webgrad/nn';
import { Dropout, LayerNorm } from '@webgrad/regularize';
import { attentionSublayer, feedForward } from './transformer-sublayers.js';
import { copyModuleState } from './module-copy.js';
import { MultiheadAttention } from './multihead-attention.js';
import { resolveActivation } from './transformer-activation.js';
import { resolveLayerOptions, type ResolvedTransformerLayerOptions, type TransformerLayerOptions } from './transformer-layer-options.js';

/** Options of `TransformerEncoderLayer.forward` (PyTorch's keyword arguments, in camelCase). */
export interface TransformerEncoderLayerForwardOptions {
  /** Self-attention mask [S, S] or [N·nhead, S, S]: bool (true = may not attend) or additive float. */
  srcMask?: Tensor | null;
  /** Key padding, [N, S] (or [S] unbatched): true marks padding tokens no query may attend to. */
  srcKeyPaddingMask?: Tensor | null;
  /** Apply the causal mask (built when `srcMask` is absent; a hint that srcMask is causal otherwise). */
  isCausal?: boolean;
}

/**
 * One encoder layer of the transformer (Vaswani et al. 2017), PyTorch's
 * `nn.TransformerEncoderLayer` with its parameter names: self-attention and a
 * position-wise feed-forward network, each in a residual connection with
 * layer norm. Post-norm (the default, the paper's): x = norm1(x + SA(x)),
 * x = norm2(x + FF(x)); pre-norm (`normFirst`): x = x + SA(norm1(x)),
 * x = x + FF(norm2(x)).
 *
 * @example
 * ```ts
 * const layer = new TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
 * const y = layer.forward(randn([2, 7, 16])); // [2, 7, 16]
 * ```
 */
export class TransformerEncoderLayer extends Module<[Tensor, TransformerEncoderLayerForwardOptions?], Tensor> {
  /** The self-attention. */
  self_attn: MultiheadAttention;
  /** First feed-forward projection dModel → dimFeedforward. */
  linear1: Linear;
  /** Dropout inside the feed-forward network. */
  dropout: Dropout;
  /** Second feed-forward projection dimFeedforward → dModel. */
  linear2: Linear;
  /** Norm of the self-attention sub-layer. */
  norm1: LayerNorm;
  /** Norm of the feed-forward sub-layer. */
  norm2: LayerNorm;
  /** Dropout on the self-attention output. */
  dropout1: Dropout;
  /** Dropout on the feed-forward output. */
  dropout2: Dropout;
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
    const o = resolveLayerOptions('TransformerEncoderLayer', dModel, nhead, options);
    this.options = o;
    const gen = o.generator ? { generator: o.generator } : {};
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: o.dropout, batchFirst: o.batchFirst, ...gen });
    this.linear1 = new Linear(dModel, o.dimFeedforward);
    this.dropout = new Dropout(o.dropout, gen);
    this.linear2 = new Linear(o.dimFeedforward, dModel);
    this.norm1 = new LayerNorm(dModel, { eps: o.layerNormEps });
    this.norm2 = new LayerNorm(dModel, { eps: o.layerNormEps });
    this.dropout1 = new Dropout(o.dropout, gen);
    this.dropout2 = new Dropout(o.dropout, gen);
    this._activation = resolveActivation('TransformerEncoderLayer', o.activation);
  }

  /** Encodes `src` [S, N, dModel] ([N, S, dModel] with batchFirst, [S, dModel] unbatched). */
  forward(src: Tensor, options: TransformerEncoderLayerForwardOptions = {}): Tensor {
    let x = src;
    if (this.options.normFirst) {
      x = x.add(this.selfAttentionBlock(this.norm1.forward(x), options));
      x = x.add(this.feedForwardBlock(this.norm2.forward(x)));
    } else {
      x = this.norm1.forward(x.add(this.selfAttentionBlock(x, options)));
      x = this.norm2.forward(x.add(this.feedForwardBlock(x)));
    }
    return x;
  }

  /** A deep copy (PyTorch's `copy.deepcopy`): same options, weights and train/eval flags, new storage. */
  deepCopy(): TransformerEncoderLayer {
    return copyModuleState(this, new TransformerEncoderLayer(this.dModel, this.nhead, this.options));
  }

  private selfAttentionBlock(x: Tensor, options: TransformerEncoderLayerForwardOptions): Tensor {
    return attentionSublayer(this.self_attn, this.dropout1, x, x, { mask: options.srcMask, keyPaddingMask: options.srcKeyPaddingMask, isCausal: options.isCausal });
  }

  private feedForwardBlock(x: Tensor): Tensor {
    return this.dropout2.forward(feedForward(x, this.linear1, this._activation, this.dropout, this.linear2));
  }
}
