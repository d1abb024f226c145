import { ArgumentError, gelu, relu, type Tensor } from '@webgrad/core-tensor';

/** The feed-forward activation of a transformer layer: PyTorch's strings or any function of a tensor. */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

/**
 * The function an activation option names, PyTorch's `_get_activation_fn`:
 * `'relu'` is max(0, x), `'gelu'` the exact x·Φ(x); a function is used as is.
 */
export function resolveActivation(op: string, activation: TransformerActivation): (x: Tensor) => Tensor {
  if (typeof activation === 'function') return activation;
  if (activation === 'relu') return (x) => relu(x);
  if (activation === 'gelu') return (x) => gelu(x);
  throw new ArgumentError(op, `activation should be relu/gelu, not ${String(activation)}`);
}
