import { ShapeError, fmtShape, type Tensor } from '@webgrad/core-tensor';
import { Module, xavierUniform_ } from '@webgrad/nn';
import { LayerNorm } from '@webgrad/regularize';
import { generateSquareSubsequentMask, type MaskOptions } from './attention-mask.js';
import { TransformerDecoder } from './transformer-decoder.js';
import { TransformerDecoderLayer, type TransformerDecoderLayerForwardOptions } from './transformer-decoder-layer.js';
import { TransformerEncoder, type TransformerEncoderForwardOptions } from './transformer-encoder.js';
import { TransformerEncoderLayer } from './transformer-encoder-layer.js';
import type { TransformerLayerOptions } from './transformer-layer-options.js';

/** Options of `Transformer` (PyTorch's `nn.Transformer`, in camelCase). */
export interface TransformerOptions extends TransformerLayerOptions {
  /** Features of every token (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
  /** An encoder to use instead of the standard one. */
  customEncoder?: Module<[Tensor, TransformerEncoderForwardOptions?], Tensor> | null;
  /** A decoder to use instead of the standard one. */
  customDecoder?: Module<[Tensor, Tensor, TransformerDecoderLayerForwardOptions?], Tensor> | null;
}

/** Options of `Transformer.forward` (PyTorch's keyword arguments, in camelCase). */
export interface TransformerForwardOptions extends TransformerDecoderLayerForwardOptions {
  /** Encoder self-attention mask [S, S]. */
  srcMask?: Tensor | null;
  /** [N, S] source padding for the encoder's self-attention. */
  srcKeyPaddingMask?: Tensor | null;
  /** Apply the causal mask in the encoder. */
  srcIsCausal?: boolean;
}

/**
 * The encoder–decoder transformer of "Attention Is All You Need", PyTorch's
 * `nn.Transformer`: an encoder stack with a final norm turns the source into
 * `memory`; a decoder stack with a final norm attends to the target
 * (causally, through `tgtMask`) and to the memory. Every parameter with more
 * than one axis is re-initialised Xavier-uniform, as PyTorch does. Token
 * embeddings, positional encodings and the output projection are the
 * caller's, as in PyTorch.
 *
 * @example
 * ```ts
 * const model = new Transformer({ dModel: 16, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 32, batchFirst: true });
 * const src = randn([2, 7, 16]), tgt = randn([2, 5, 16]);
 * const y = model.forward(src, tgt, { tgtMask: Transformer.generateSquareSubsequentMask(5) }); // [2, 5, 16]
 * ```
 */
export class Transformer extends Module<[Tensor, Tensor, TransformerForwardOptions?], Tensor> {
  /** The encoder stack (with its final norm). */
  encoder: Module<[Tensor, TransformerEncoderForwardOptions?], Tensor>;
  /** The decoder stack (with its final norm). */
  decoder: Module<[Tensor, Tensor, TransformerDecoderLayerForwardOptions?], Tensor>;
  /** Features of every token. */
  readonly dModel: number;
  /** Attention heads. */
  readonly nhead: number;
  /** Whether inputs are [batch, length, dModel]. */
  readonly batchFirst: boolean;

  /** Builds the encoder and decoder stacks with PyTorch's defaults and initialisation. */
  constructor(options: TransformerOptions = {}) {
    super();
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, customEncoder, customDecoder, ...layerOptions } = options;
    const eps = layerOptions.layerNormEps ?? 1e-5;
    this.encoder =
      customEncoder ?? new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, layerOptions), numEncoderLayers, { norm: new LayerNorm(dModel, { eps }) });
    this.decoder =
      customDecoder ?? new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, layerOptions), numDecoderLayers, { norm: new LayerNorm(dModel, { eps }) });
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = layerOptions.batchFirst ?? false;
    for (const p of this.parameters()) if (p.rank > 1) xavierUniform_(p);
  }

  /**
   * The additive causal mask [sz, sz] (−∞ above the diagonal), PyTorch's
   * `Transformer.generate_square_subsequent_mask`.
   */
  static generateSquareSubsequentMask(sz: number, options: MaskOptions = {}): Tensor {
    return generateSquareSubsequentMask(sz, options);
  }

  /** Encodes `src` and decodes `tgt` against it; returns the decoder output, shaped like `tgt`. */
  forward(src: Tensor, tgt: Tensor, options: TransformerForwardOptions = {}): Tensor {
    const batched = src.rank === 3;
    const batchAxis = this.batchFirst ? 0 : 1;
    if (batched && src.shape[batchAxis] !== tgt.shape[batchAxis]) {
      throw new ShapeError('Transformer', `the batch number of src and tgt must be equal, got src ${fmtShape(src.shape)} and tgt ${fmtShape(tgt.shape)}`);
    }
    if (src.shape[src.rank - 1] !== this.dModel || tgt.shape[tgt.rank - 1] !== this.dModel) {
      throw new ShapeError('Transformer', `the feature number of src and tgt must be equal to dModel ${this.dModel}, got src ${fmtShape(src.shape)} and tgt ${fmtShape(tgt.shape)}`);
    }
    const memory = this.encoder.forward(src, {
      mask: options.srcMask ?? null,
      srcKeyPaddingMask: options.srcKeyPaddingMask ?? null,
      isCausal: options.srcIsCausal ?? false,
    });
    return this.decoder.forward(tgt, memory, {
      tgtMask: options.tgtMask ?? null,
      memoryMask: options.memoryMask ?? null,
      tgtKeyPaddingMask: options.tgtKeyPaddingMask ?? null,
      memoryKeyPaddingMask: options.memoryKeyPaddingMask ?? null,
      tgtIsCausal: options.tgtIsCausal ?? false,
      memoryIsCausal: options.memoryIsCausal ?? false,
    });
  }
}
