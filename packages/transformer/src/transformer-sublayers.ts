import type { Tensor } from '@webgrad/core-tensor';
import type { Linear } from '@webgrad/nn';
import type { Dropout } from '@webgrad/regularize';
import type { MultiheadAttention } from './multihead-attention.js';

/** The masks one attention sub-layer applies. */
export interface SublayerMasks {
  /** Attention mask (bool: true = masked out, or additive float). */
  mask: Tensor | null | undefined;
  /** Key padding mask. */
  keyPaddingMask: Tensor | null | undefined;
  /** Apply the causal mask. */
  isCausal: boolean | undefined;
}

/**
 * An attention sub-layer of a transformer layer, PyTorch's `_sa_block` and
 * `_mha_block`: dropout(attn(x, kv, kv)) without the weights.
 */
export function attentionSublayer(attn: MultiheadAttention, dropout: Dropout, x: Tensor, kv: Tensor, masks: SublayerMasks): Tensor {
  const [y] = attn.forward(x, kv, kv, {
    attnMask: masks.mask ?? null,
    keyPaddingMask: masks.keyPaddingMask ?? null,
    isCausal: masks.isCausal ?? false,
    needWeights: false,
  });
  return dropout.forward(y);
}

/**
 * The position-wise feed-forward network of a transformer layer,
 * linear2(dropout(activation(linear1(x)))), PyTorch's `_ff_block` without
 * its last dropout (the layer applies its own).
 */
export function feedForward(x: Tensor, linear1: Linear, activation: (x: Tensor) => Tensor, dropout: Dropout, linear2: Linear): Tensor {
  return linear2.forward(dropout.forward(activation(linear1.forward(x))));
}
