/**
 * @packageDocumentation
 * Transformers for webgrad with PyTorch's semantics and parameter names:
 * scaled dot-product attention, `MultiheadAttention`, positional encodings
 * (sinusoidal, learned, rotary), encoder and decoder layers and stacks, the
 * encoder–decoder `Transformer`, a decoder-only `GPT` with a KV cache and
 * seeded sampling, a sequence-to-sequence transformer and a vision
 * transformer.
 */
import '@webgrad/autograd';

export { generateSquareSubsequentMask, causalMask, type MaskOptions, type CausalMaskOptions } from './attention-mask.js';
export {
  scaledDotProductAttention,
  scaledDotProductAttentionWithWeights,
  type ScaledDotProductAttentionOptions,
  type AttentionOutput,
} from './scaled-dot-product-attention.js';
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions } from './multihead-attention.js';
export type { TransformerActivation } from './transformer-activation.js';
export type { TransformerLayerOptions, ResolvedTransformerLayerOptions } from './transformer-layer-options.js';
export { TransformerEncoderLayer, type TransformerEncoderLayerForwardOptions } from './transformer-encoder-layer.js';
export { TransformerDecoderLayer, type TransformerDecoderLayerForwardOptions } from './transformer-decoder-layer.js';
export { TransformerEncoder, type TransformerEncoderOptions, type TransformerEncoderForwardOptions } from './transformer-encoder.js';
export { TransformerDecoder, type TransformerDecoderOptions } from './transformer-decoder.js';
export { Transformer, type TransformerOptions, type TransformerForwardOptions } from './transformer.js';
export {
  sinusoidalPositionalEncoding,
  SinusoidalPositionalEncoding,
  type SinusoidalOptions,
  type SinusoidalPositionalEncodingOptions,
} from './sinusoidal-positional-encoding.js';
export { LearnedPositionalEmbedding, type LearnedPositionalEmbeddingOptions } from './learned-positional-embedding.js';
export { RotaryEmbedding, type RotaryEmbeddingOptions } from './rotary-embedding.js';
export { KVCache, type LayerKeyValues } from './kv-cache.js';
export { CausalSelfAttention, type CausalSelfAttentionOptions, type CausalSelfAttentionForwardOptions } from './causal-self-attention.js';
export { GPTBlock, GPTMLP, type GPTBlockOptions } from './gpt-block.js';
export { GPT, GPTTransformer, type GPTConfig, type GPTForwardOptions, type GPTOutput, type GenerateOptions } from './gpt.js';
export { filterLogits, sampleToken, type SamplingOptions } from './sampling.js';
export { VisionTransformer, PatchEmbedding, type VisionTransformerOptions } from './vision-transformer.js';
export { Seq2SeqTransformer, type Seq2SeqTransformerOptions, type Seq2SeqDecodeOptions } from './seq2seq-transformer.js';
