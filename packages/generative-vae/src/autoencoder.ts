import { type Tensor } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { Module, type TensorModule } from '@webgrad/nn';
import { convDecoder, convEncoder } from './conv-stack.js';
import {
  checkLikelihood,
  likelihoodMean,
  reconstructionLoss,
  type Likelihood,
} from './likelihood.js';
import { mlpStack, type Activation } from './mlp-stack.js';
import { runTrainStep, type StepOptimizer } from './train-step.js';

/** Options of `Autoencoder`. */
export interface AutoencoderOptions {
  /**
   * How the reconstruction error is measured, which also says what the
   * decoder outputs: `'gaussian'` (default; ½‖x − x̂‖², the decoder outputs
   * x̂) or `'bernoulli'` (cross-entropy, the decoder outputs logits).
   */
  likelihood?: Likelihood;
}

/** Options of `Autoencoder.mlp`. */
export interface MlpAutoencoderOptions extends AutoencoderOptions {
  /** Values per example (e.g. 64 for flat 8x8 digits). */
  inputSize: number;
  /** Hidden layer sizes of the encoder (the decoder mirrors them), e.g. [128]. */
  hiddenSizes?: readonly number[];
  /** Size of the code h = encoder(x). */
  codeSize: number;
  /** Nonlinearity between layers (default `'relu'`). */
  activation?: Activation;
  /** A nonlinearity on the code (default none), e.g. `'sigmoid'` for a sparse autoencoder. */
  codeActivation?: Activation;
}

/** Options of `Autoencoder.conv`. */
export interface ConvAutoencoderOptions extends AutoencoderOptions {
  /** Shape of one image, [C, H, W]. */
  imageShape: readonly [number, number, number];
  /** Channels of each stride-2 stage (default [16, 32]). */
  channels?: readonly number[];
  /** Size of the flat code. */
  codeSize: number;
  /** Nonlinearity between layers (default `'relu'`). */
  activation?: Activation;
}

/**
 * An autoencoder: an encoder h = f(x) to a code, usually smaller than x, and
 * a decoder x̂ = g(h), trained to make x̂ reproduce x. With linear layers and
 * the squared error it finds the principal subspace (PCA); nonlinear layers
 * find a curved one. Parameters are named `encoder.*` and `decoder.*`.
 *
 * @example
 * ```ts
 * const ae = Autoencoder.mlp({ inputSize: 64, hiddenSizes: [128], codeSize: 16 });
 * const opt = new Adam(ae.parameters(), { lr: 1e-3 });
 * const loss = await ae.trainStep(x, opt); // ½‖x − x̂‖² per example
 * const xHat = ae.reconstruct(x);
 * ```
 */
export class Autoencoder extends Module<[Tensor], Tensor> {
  /** x → code. */
  encoder: TensorModule;
  /** code → x̂ (or logits of x̂ for a Bernoulli likelihood). */
  decoder: TensorModule;
  /** How the reconstruction error is measured. */
  readonly likelihood: Likelihood;

  /** Wraps an encoder and a decoder. */
  constructor(encoder: TensorModule, decoder: TensorModule, options: AutoencoderOptions = {}) {
    super();
    this.encoder = encoder;
    this.decoder = decoder;
    this.likelihood = options.likelihood ?? 'gaussian';
    checkLikelihood('Autoencoder', this.likelihood);
  }

  /** An MLP autoencoder: encoder inputSize → hiddenSizes → codeSize, decoder the mirror image. */
  static mlp(options: MlpAutoencoderOptions): Autoencoder {
    const { encoder, decoder } = mlpAutoencoderStacks(options);
    return new Autoencoder(encoder, decoder, options);
  }

  /** A convolutional autoencoder for [N, C, H, W] images (`convEncoder` / `convDecoder`). */
  static conv(options: ConvAutoencoderOptions): Autoencoder {
    const stack = {
      imageShape: options.imageShape,
      channels: options.channels ?? [16, 32],
      activation: options.activation,
    };
    return new Autoencoder(
      convEncoder({ ...stack, features: options.codeSize }),
      convDecoder({ ...stack, features: options.codeSize }),
      options,
    );
  }

  /** The code h = f(x). */
  encode(x: Tensor): Tensor {
    return this.encoder.forward(x);
  }

  /** The decoder's output g(h). */
  decode(code: Tensor): Tensor {
    return this.decoder.forward(code);
  }

  /** g(f(x)): the decoder's output for x (logits for a Bernoulli likelihood). */
  forward(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }

  /** The reconstruction x̂ as a picture (sigmoid of the logits for Bernoulli), without gradients. */
  reconstruct(x: Tensor): Tensor {
    return noGrad(() => likelihoodMean(this.forward(x), this.likelihood));
  }

  /** The reconstruction error averaged over the batch (summed over each example's values). */
  loss(x: Tensor): Tensor {
    return reconstructionLoss(this.forward(x), x, this.likelihood).mean();
  }

  /** One optimisation step on the batch `x`; returns the loss before the update. */
  async trainStep(x: Tensor, optimizer: StepOptimizer): Promise<number> {
    const [loss] = await runTrainStep(optimizer, () => [this.loss(x)]);
    return loss!;
  }
}

/** The encoder and decoder stacks of an MLP autoencoder. */
export function mlpAutoencoderStacks(options: MlpAutoencoderOptions): {
  encoder: TensorModule;
  decoder: TensorModule;
} {
  const hidden = options.hiddenSizes ?? [128];
  const encoder = mlpStack([options.inputSize, ...hidden, options.codeSize], {
    activation: options.activation,
    outputActivation: options.codeActivation,
  });
  const decoder = mlpStack([options.codeSize, ...hidden.slice().reverse(), options.inputSize], {
    activation: options.activation,
  });
  return { encoder, decoder };
}
