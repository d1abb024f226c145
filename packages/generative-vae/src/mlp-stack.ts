import { ArgumentError } from '@webgrad/core-tensor';
import {
  ELU,
  GELU,
  LeakyReLU,
  Linear,
  ReLU,
  Sequential,
  SiLU,
  Sigmoid,
  Tanh,
  type TensorModule,
} from '@webgrad/nn';

/** The nonlinearity between the layers of an MLP stack. */
export type Activation = 'relu' | 'leakyRelu' | 'elu' | 'gelu' | 'silu' | 'tanh' | 'sigmoid';

/** Options of `mlpStack`. */
export interface MlpStackOptions {
  /** Nonlinearity after every hidden layer (default `'relu'`). */
  activation?: Activation;
  /** A nonlinearity after the last layer too (default none: the last layer is linear). */
  outputActivation?: Activation;
}

/**
 * A multilayer perceptron as a `Sequential` of `Linear` layers of the given
 * sizes with `activation` between them: `mlpStack([64, 128, 16])` is
 * Linear(64, 128) → ReLU → Linear(128, 16). The encoders and decoders of the
 * MLP autoencoders and VAEs are built with it; state-dict names are
 * PyTorch's (`0.weight`, `2.bias`, …).
 *
 * @example
 * ```ts
 * const encoder = mlpStack([64, 128, 2 * 8]);           // x → (μ, log σ²)
 * const decoder = mlpStack([8, 128, 64]);               // z → logits
 * ```
 */
export function mlpStack(sizes: readonly number[], options: MlpStackOptions = {}): Sequential {
  if (sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0))
    throw new ArgumentError(
      'mlpStack',
      `sizes must be at least two positive integers, got [${sizes.join(', ')}]`,
    );
  const layers: TensorModule[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new Linear(sizes[i]!, sizes[i + 1]!));
    const last = i + 2 === sizes.length;
    if (!last) layers.push(activationModule(options.activation ?? 'relu'));
    else if (options.outputActivation !== undefined)
      layers.push(activationModule(options.outputActivation));
  }
  return new Sequential(...layers);
}

/** The nn module of an `Activation` name. */
export function activationModule(name: Activation): TensorModule {
  switch (name) {
    case 'relu':
      return new ReLU();
    case 'leakyRelu':
      return new LeakyReLU();
    case 'elu':
      return new ELU();
    case 'gelu':
      return new GELU();
    case 'silu':
      return new SiLU();
    case 'tanh':
      return new Tanh();
    case 'sigmoid':
      return new Sigmoid();
    default:
      throw new ArgumentError(
        'activation',
        `expected one of relu, leakyRelu, elu, gelu, silu, tanh, sigmoid, got '${String(name)}'`,
      );
  }
}
