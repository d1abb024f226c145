import { ArgumentError, type Tensor } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import type { TensorModule } from '@webgrad/nn';
import { sparsityPenalty } from '@webgrad/regularize';
import {
  Autoencoder,
  mlpAutoencoderStacks,
  type AutoencoderOptions,
  type MlpAutoencoderOptions,
} from './autoencoder.js';
import { reconstructionLoss } from './likelihood.js';
import { runTrainStep, type StepOptimizer } from './train-step.js';

/** Options of `SparseAutoencoder`. */
export interface SparseAutoencoderOptions extends AutoencoderOptions {
  /** The target mean activation ρ of each code unit, in (0, 1) (e.g. 0.05). */
  rho: number;
  /** The weight β of the sparsity penalty (default 3). */
  beta?: number;
}

/** The terms of a sparse autoencoder's loss on a batch. */
export interface SparseAutoencoderLoss {
  /** reconstruction + penalty. */
  loss: Tensor;
  /** The reconstruction error averaged over the batch. */
  reconstruction: Tensor;
  /** β·Σ_j KL(ρ ‖ ρ̂_j). */
  penalty: Tensor;
  /** The code h = f(x), [N, H], in (0, 1). */
  code: Tensor;
}

/**
 * A sparse autoencoder, as in the course: the code units are sigmoids, and
 * the loss adds β·Σ_j KL(ρ ‖ ρ̂_j) (regularize's `sparsityPenalty`) where ρ̂_j
 * is unit j's mean activation over the batch, so each unit is pushed to be
 * active only a fraction ρ of the time, even with more units than inputs.
 *
 * @example
 * ```ts
 * const sae = SparseAutoencoder.mlp({ inputSize: 64, codeSize: 100, rho: 0.05, beta: 3 });
 * const { loss, penalty } = sae.lossTerms(x);
 * ```
 */
export class SparseAutoencoder extends Autoencoder {
  /** The target mean activation ρ. */
  readonly rho: number;
  /** The penalty weight β. */
  readonly beta: number;

  /** Wraps an encoder whose outputs lie in (0, 1) (end it with a sigmoid) and a decoder. */
  constructor(encoder: TensorModule, decoder: TensorModule, options: SparseAutoencoderOptions) {
    super(encoder, decoder, options);
    if (!(options.rho > 0 && options.rho < 1))
      throw new ArgumentError('SparseAutoencoder', `rho must be in (0, 1), got ${options.rho}`);
    this.rho = options.rho;
    this.beta = options.beta ?? 3;
  }

  /** An MLP sparse autoencoder whose code layer is a sigmoid (see `Autoencoder.mlp`). */
  static override mlp(
    options: Omit<MlpAutoencoderOptions, 'codeActivation'> & SparseAutoencoderOptions,
  ): SparseAutoencoder {
    const { encoder, decoder } = mlpAutoencoderStacks({ ...options, codeActivation: 'sigmoid' });
    return new SparseAutoencoder(encoder, decoder, options);
  }

  /** The loss and its terms on the batch `x`. */
  lossTerms(x: Tensor): SparseAutoencoderLoss {
    const code = this.encode(x);
    const reconstruction = reconstructionLoss(this.decode(code), x, this.likelihood).mean();
    const penalty = sparsityPenalty(code, this.rho, this.beta);
    return { loss: reconstruction.add(penalty), reconstruction, penalty, code };
  }

  /** reconstruction + β·Σ_j KL(ρ ‖ ρ̂_j). */
  override loss(x: Tensor): Tensor {
    return this.lossTerms(x).loss;
  }

  /** ρ̂: each code unit's mean activation over the batch `x`, [H]. */
  meanActivation(x: Tensor): Tensor {
    return noGrad(() => this.encode(x).mean(0));
  }

  /** One optimisation step; returns the loss, the reconstruction error and the penalty before the update. */
  async trainStepTerms(
    x: Tensor,
    optimizer: StepOptimizer,
  ): Promise<{ loss: number; reconstruction: number; penalty: number }> {
    const [loss, reconstruction, penalty] = await runTrainStep(optimizer, () => {
      const t = this.lossTerms(x);
      return [t.loss, t.reconstruction, t.penalty];
    });
    return { loss: loss!, reconstruction: reconstruction!, penalty: penalty! };
  }
}
