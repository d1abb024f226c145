import type { Tensor } from '@webgrad/core-tensor';
import type { TensorModule } from '@webgrad/nn';
import {
  Autoencoder,
  mlpAutoencoderStacks,
  type AutoencoderOptions,
  type MlpAutoencoderOptions,
} from './autoencoder.js';
import { corruptInput, type CorruptionOptions } from './input-corruption.js';
import { reconstructionLoss } from './likelihood.js';

/** Options of `DenoisingAutoencoder`. */
export interface DenoisingAutoencoderOptions extends AutoencoderOptions {
  /** The corruption applied to the inputs in `loss` (default: masking 25% of the values). */
  corruption?: CorruptionOptions;
}

/**
 * A denoising autoencoder: trained to reconstruct the clean x from a
 * corrupted x̃ ~ C(x̃ | x) (`corruptInput`), i.e. to minimise
 * E ‖x − g(f(x̃))‖², which it can only do by learning where the data lie;
 * `reconstruct(x̃)` then denoises.
 *
 * @example
 * ```ts
 * const dae = DenoisingAutoencoder.mlp({ inputSize: 64, codeSize: 32, corruption: { kind: 'gaussian', level: 0.3 } });
 * await dae.trainStep(x, opt);            // loss of g(f(x̃)) against the clean x
 * const cleaned = dae.reconstruct(noisy); // denoised
 * ```
 */
export class DenoisingAutoencoder extends Autoencoder {
  /** The corruption of the training inputs. */
  readonly corruption: CorruptionOptions;

  /** Wraps an encoder and a decoder with a corruption. */
  constructor(
    encoder: TensorModule,
    decoder: TensorModule,
    options: DenoisingAutoencoderOptions = {},
  ) {
    super(encoder, decoder, options);
    this.corruption = options.corruption ?? {};
  }

  /** An MLP denoising autoencoder (see `Autoencoder.mlp`). */
  static override mlp(
    options: MlpAutoencoderOptions & DenoisingAutoencoderOptions,
  ): DenoisingAutoencoder {
    const { encoder, decoder } = mlpAutoencoderStacks(options);
    return new DenoisingAutoencoder(encoder, decoder, options);
  }

  /** The error of reconstructing the clean `x` from its corruption, averaged over the batch. */
  override loss(x: Tensor): Tensor {
    return reconstructionLoss(
      this.forward(corruptInput(x, this.corruption)),
      x,
      this.likelihood,
    ).mean();
  }
}
