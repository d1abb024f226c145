import type { Tensor } from '@webgrad/core-tensor';
import type { Linear } from '@webgrad/nn';
import type { Dropout } from '@webgrad/regularize';

/**
 * The position-wise feed-forward network of a transformer layer,
 * linear2(dropout(activation(linear1(x)))), PyTorch's `_ff_block` without
 * its last dropout (the layer applies its own).
 */
export function feedForward(x: Tensor, linear1: Linear, activation: (x: Tensor) => Tensor, dropout: Dropout, linear2: Linear): Tensor {
  return linear2.forward(dropout.forward(activation(linear1.forward(x))));
}
