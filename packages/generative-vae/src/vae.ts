import {
  ArgumentError,
  ShapeError,
  cat,
  fmtShape,
  oneHot,
  randn,
  tidy,
  type Generator,
  type Tensor,
} from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { Module, type TensorModule } from '@webgrad/nn';
import { convDecoder, convEncoder } from './conv-stack.js';
import { klStandardNormal } from './gaussian-kl.js';
import { interpolateLatents } from './latent-interpolation.js';
import {
  checkLikelihood,
  likelihoodMean,
  logLikelihood,
  reconstructionLoss,
  type Likelihood,
} from './likelihood.js';
import { logMeanExp } from './log-mean-exp.js';
import { mlpStack, type Activation } from './mlp-stack.js';
import { reparameterize } from './reparameterize.js';
import { runTrainStep, type StepOptimizer } from './train-step.js';

/** Options of `VAE`. */
export interface VAEOptions {
  /** x → [N, 2·latentSize]: the first half μ(x), the second log σ²(x). For a conditional VAE its input is [x flattened, one-hot y]. */
  encoder: TensorModule;
  /** z → the parameters of p(x | z) with the data's shape (logits for Bernoulli, means for Gaussian). For a conditional VAE its input is [z, one-hot y]. */
  decoder: TensorModule;
  /** Dimension L of the latent z. */
  latentSize: number;
  /** The likelihood p(x | z) (default `'bernoulli'`). */
  likelihood?: Likelihood;
  /** σ of a Gaussian likelihood (default 1: the loss term is ½‖x − μ(z)‖²). */
  decoderStd?: number;
  /** Weight β of the KL term (default 1: the VAE; > 1: a β-VAE). */
  beta?: number;
  /** Number of classes of a conditional VAE (label-conditioned encoder and decoder); omitted: unconditional. */
  numClasses?: number;
}

/** Options of `VAE.mlp`. */
export interface MlpVAEOptions extends Omit<VAEOptions, 'encoder' | 'decoder'> {
  /** Values per example (64 for flat 8x8 digits). */
  inputSize: number;
  /** Hidden layer sizes of the encoder, mirrored by the decoder (default [128]). */
  hiddenSizes?: readonly number[];
  /** Nonlinearity between layers (default `'relu'`). */
  activation?: Activation;
}

/** Options of `VAE.conv`. */
export interface ConvVAEOptions extends Omit<VAEOptions, 'encoder' | 'decoder' | 'numClasses'> {
  /** Shape of one image, [C, H, W]. */
  imageShape: readonly [number, number, number];
  /** Channels of each stride-2 stage (default [16, 32]). */
  channels?: readonly number[];
  /** Nonlinearity between layers (default `'relu'`). */
  activation?: Activation;
}

/** q(z | x) = N(μ, diag exp(log σ²)). */
export interface GaussianPosterior {
  /** μ(x), [N, L]. */
  mu: Tensor;
  /** log σ²(x), [N, L]. */
  logvar: Tensor;
}

/** What `VAE.forward` computes. */
export interface VAEOutput extends GaussianPosterior {
  /** z = μ + σ ⊙ ε, [N, L]. */
  z: Tensor;
  /** The decoder's output for z (logits or means), the data's shape. */
  output: Tensor;
}

/** Options shared by the VAE's stochastic methods. */
export interface VAESampleOptions {
  /** Class labels (int32 [N]) of a conditional VAE. */
  labels?: Tensor;
  /** The Philox stream of ε (default: core-tensor's default generator). */
  generator?: Generator;
}

/** Options of `VAE.loss` and `VAE.trainStep`. */
export interface VAELossOptions extends VAESampleOptions {
  /** β for this batch (default the model's `beta`), e.g. from `klWarmupBeta`. */
  beta?: number;
}

/** The terms of the VAE's loss on a batch, each averaged over the examples (nats). */
export interface VAELoss {
  /** reconstruction + β·kl: the negative ELBO when β = 1. */
  loss: Tensor;
  /** E_q[−log p(x | z)] (up to the Gaussian's constant), one z sample per example. */
  reconstruction: Tensor;
  /** KL(q(z | x) ‖ N(0, I)) in closed form. */
  kl: Tensor;
}

/** `VAELoss` read back as numbers. */
export interface VAELossValues {
  /** reconstruction + β·kl. */
  loss: number;
  /** The reconstruction term. */
  reconstruction: number;
  /** The KL term. */
  kl: number;
}

/** Options of `VAE.elbo`. */
export interface ELBOOptions extends VAESampleOptions {
  /** z samples per example averaged in the reconstruction term (default 1). */
  samples?: number;
}

/** Options of `VAE.importanceWeightedLogLikelihood`. */
export interface ImportanceWeightedOptions extends VAESampleOptions {
  /** Importance samples per example (default 100). */
  k?: number;
  /** Samples decoded at once, to bound memory (default 50). */
  chunk?: number;
}

/**
 * A variational autoencoder (Kingma & Welling, 2014). The encoder gives the
 * Gaussian q(z | x) = N(μ(x), diag σ²(x)) through μ and log σ²; the
 * reparameterisation z = μ + σ ⊙ ε makes a sample differentiable; the decoder
 * gives p(x | z) (Bernoulli or Gaussian); the prior is p(z) = N(0, I). The
 * loss is the negative evidence lower bound with the KL term weighted by β:
 *
 *   loss = E_q[−log p(x | z)] + β · KL(q(z | x) ‖ N(0, I)),
 *
 * β = 1 the VAE, β > 1 the β-VAE (Higgins et al., 2017). Every method works
 * on any backend; `trainStep` reads the loss back asynchronously.
 *
 * @example
 * ```ts
 * const vae = VAE.mlp({ inputSize: 64, hiddenSizes: [128], latentSize: 2 });
 * const opt = new Adam(vae.parameters(), { lr: 1e-3 });
 * const { loss, kl } = await vae.trainStep(x, opt);
 * const pictures = vae.sample(16); // [16, 64] in [0, 1]
 * ```
 */
export class VAE extends Module<[Tensor, Tensor?], VAEOutput> {
  /** x → (μ, log σ²). */
  encoder: TensorModule;
  /** z → parameters of p(x | z). */
  decoder: TensorModule;
  /** Dimension of z. */
  readonly latentSize: number;
  /** The likelihood p(x | z). */
  readonly likelihood: Likelihood;
  /** σ of a Gaussian likelihood. */
  readonly decoderStd: number;
  /** Number of classes of a conditional VAE, or null. */
  readonly numClasses: number | null;
  /** Weight of the KL term when a call gives none. */
  beta: number;

  /** Wraps an encoder and a decoder (see `VAEOptions`). */
  constructor(options: VAEOptions) {
    super();
    const op = 'VAE';
    checkLatentSize(options.latentSize);
    if (
      options.numClasses !== undefined &&
      (!Number.isInteger(options.numClasses) || options.numClasses < 2)
    )
      throw new ArgumentError(op, `numClasses must be an integer >= 2, got ${options.numClasses}`);
    this.encoder = options.encoder;
    this.decoder = options.decoder;
    this.latentSize = options.latentSize;
    this.likelihood = options.likelihood ?? 'bernoulli';
    checkLikelihood(op, this.likelihood);
    this.decoderStd = options.decoderStd ?? 1;
    if (!(this.decoderStd > 0))
      throw new ArgumentError(op, `decoderStd must be > 0, got ${this.decoderStd}`);
    this.numClasses = options.numClasses ?? null;
    this.beta = checkBeta(op, options.beta ?? 1);
  }

  /** An MLP VAE: encoder inputSize → hiddenSizes → 2·latentSize, decoder latentSize → reversed hiddenSizes → inputSize. */
  static mlp(options: MlpVAEOptions): VAE {
    checkLatentSize(options.latentSize);
    const hidden = options.hiddenSizes ?? [128];
    const c = options.numClasses ?? 0;
    const act = { activation: options.activation };
    return new VAE({
      ...options,
      encoder: mlpStack([options.inputSize + c, ...hidden, 2 * options.latentSize], act),
      decoder: mlpStack(
        [options.latentSize + c, ...hidden.slice().reverse(), options.inputSize],
        act,
      ),
    });
  }

  /** A convolutional VAE for [N, C, H, W] images (`convEncoder` / `convDecoder`); unconditional. */
  static conv(options: ConvVAEOptions): VAE {
    checkLatentSize(options.latentSize);
    const stack = {
      imageShape: options.imageShape,
      channels: options.channels ?? [16, 32],
      activation: options.activation,
    };
    return new VAE({
      ...options,
      encoder: convEncoder({ ...stack, features: 2 * options.latentSize }),
      decoder: convDecoder({ ...stack, features: options.latentSize }),
    });
  }

  /** q(z | x): μ(x) and log σ²(x), each [N, L]. */
  encode(x: Tensor, labels?: Tensor): GaussianPosterior {
    const h = this.encoder.forward(this.conditioned('VAE.encode', x, labels, true));
    const l = this.latentSize;
    if (h.rank !== 2 || h.shape[1] !== 2 * l)
      throw new ShapeError(
        'VAE.encode',
        `expected the encoder to output [N, 2·latentSize] = [N, ${2 * l}], got ${fmtShape(h.shape)}`,
      );
    return { mu: h.narrow(1, 0, l), logvar: h.narrow(1, l, l) };
  }

  /** The decoder's output for z, [N, L] → the data's shape (logits for Bernoulli, means for Gaussian). */
  decode(z: Tensor, labels?: Tensor): Tensor {
    if (z.rank !== 2 || z.shape[1] !== this.latentSize)
      throw new ShapeError(
        'VAE.decode',
        `expected z of shape [N, ${this.latentSize}], got ${fmtShape(z.shape)}`,
      );
    return this.decoder.forward(this.conditioned('VAE.decode', z, labels, false));
  }

  /** Encodes, samples z by reparameterisation (ε from the default generator) and decodes. */
  forward(x: Tensor, labels?: Tensor): VAEOutput {
    return this.run(x, { labels });
  }

  /**
   * The loss on the batch `x` and its two terms, each averaged over the
   * examples: reconstruction (one z sample each) + β·KL.
   */
  loss(x: Tensor, options: VAELossOptions = {}): VAELoss {
    const beta = checkBeta('VAE.loss', options.beta ?? this.beta);
    const { mu, logvar, output } = this.run(x, options);
    const reconstruction = reconstructionLoss(output, x, this.likelihood, {
      decoderStd: this.decoderStd,
    }).mean();
    const kl = klStandardNormal(mu, logvar);
    return { loss: reconstruction.add(kl.mul(beta)), reconstruction, kl };
  }

  /** One optimisation step on the batch `x`; returns the loss terms before the update. */
  async trainStep(
    x: Tensor,
    optimizer: StepOptimizer,
    options: VAELossOptions = {},
  ): Promise<VAELossValues> {
    const [loss, reconstruction, kl] = await runTrainStep(optimizer, () => {
      const t = this.loss(x, options);
      return [t.loss, t.reconstruction, t.kl];
    });
    return { loss: loss!, reconstruction: reconstruction!, kl: kl! };
  }

  /**
   * The evidence lower bound per example, [N] (nats, with the Gaussian's
   * normaliser, so a true bound on log p(x)):
   *
   *   ELBO(x) = E_q[log p(x | z)] − KL(q(z | x) ‖ p(z)) ≤ log p(x),
   *
   * the expectation estimated with `samples` draws of z, the KL exact.
   * No gradients are recorded.
   */
  elbo(x: Tensor, options: ELBOOptions = {}): Tensor {
    const samples = options.samples ?? 1;
    if (!Number.isInteger(samples) || samples < 1)
      throw new ArgumentError('VAE.elbo', `samples must be a positive integer, got ${samples}`);
    return noGrad(() =>
      tidy(() => {
        const { mu, logvar } = this.encode(x, options.labels);
        let expected: Tensor | null = null;
        for (let s = 0; s < samples; s++) {
          const z = reparameterize(mu, logvar, options);
          const ll = logLikelihood(this.decode(z, options.labels), x, this.likelihood, {
            decoderStd: this.decoderStd,
          });
          expected = expected === null ? ll : expected.add(ll);
        }
        return expected!.div(samples).sub(klStandardNormal(mu, logvar, { reduction: 'none' }));
      }),
    );
  }

  /**
   * The importance-weighted estimate of log p(x) per example, [N] (Burda et
   * al., 2016): with z_1..z_k ~ q(z | x),
   *
   *   log p(x) ≈ log (1/k) Σ_i p(x | z_i) p(z_i) / q(z_i | x),
   *
   * computed with log-mean-exp. Its expectation is a lower bound on log p(x)
   * that rises with k, equals the ELBO for k = 1 and tends to log p(x) as
   * k → ∞. No gradients are recorded.
   */
  importanceWeightedLogLikelihood(x: Tensor, options: ImportanceWeightedOptions = {}): Tensor {
    const op = 'VAE.importanceWeightedLogLikelihood';
    const k = options.k ?? 100;
    const chunk = options.chunk ?? 50;
    if (!Number.isInteger(k) || k < 1)
      throw new ArgumentError(op, `k must be a positive integer, got ${k}`);
    if (!Number.isInteger(chunk) || chunk < 1)
      throw new ArgumentError(op, `chunk must be a positive integer, got ${chunk}`);
    return noGrad(() =>
      tidy(() => {
        const n = x.shape[0]!;
        const l = this.latentSize;
        const { mu, logvar } = this.encode(x, options.labels);
        const logWeights: Tensor[] = [];
        for (let done = 0; done < k; done += chunk) {
          const m = Math.min(chunk, k - done);
          logWeights.push(
            tidy(() => {
              const eps = randn([m, n, l], {
                dtype: mu.dtype,
                backend: mu.backend.name,
                ...(options.generator ? { generator: options.generator } : {}),
              });
              const z = reparameterize(mu.expand([m, n, l]), logvar.expand([m, n, l]), { eps });
              const halfLog2Pi = 0.5 * Math.log(2 * Math.PI);
              // log q(z|x) = Σ −½(log 2π + log σ² + ε²);  log p(z) = Σ −½(log 2π + z²)
              const logQ = logvar
                .expand([m, n, l])
                .add(eps.square())
                .mul(-0.5)
                .sub(halfLog2Pi)
                .sum(2);
              const logPrior = z.square().mul(-0.5).sub(halfLog2Pi).sum(2);
              const flatZ = z.reshape([m * n, l]);
              const labels =
                options.labels === undefined
                  ? undefined
                  : options.labels.expand([m, n]).reshape([m * n]);
              const xs = x.expand([m, ...x.shape]).reshape([m * n, ...x.shape.slice(1)]);
              const logPx = logLikelihood(this.decode(flatZ, labels), xs, this.likelihood, {
                decoderStd: this.decoderStd,
              }).reshape([m, n]);
              return logPx.add(logPrior).sub(logQ);
            }),
          );
        }
        return logMeanExp(cat(logWeights, 0), 0);
      }),
    );
  }

  /** The reconstruction of x as a picture: the decoder's mean at z = μ(x). No gradients. */
  reconstruct(x: Tensor, labels?: Tensor): Tensor {
    return noGrad(() => tidy(() => this.mean(this.decode(this.encode(x, labels).mu, labels))));
  }

  /**
   * n pictures from the model: the decoder's mean at z ~ N(0, I) (labels: [n]
   * for a conditional VAE), drawn on the backend of the model's parameters
   * unless `backend` says otherwise.
   */
  sample(n: number, options: VAESampleOptions & { backend?: string } = {}): Tensor {
    if (!Number.isInteger(n) || n < 1)
      throw new ArgumentError('VAE.sample', `n must be a positive integer, got ${n}`);
    return noGrad(() =>
      tidy(() => {
        const backend = options.backend ?? this.parameters()[0]?.backend.name;
        const z = randn([n, this.latentSize], {
          ...(backend ? { backend } : {}),
          ...(options.generator ? { generator: options.generator } : {}),
        });
        return this.mean(this.decode(z, options.labels));
      }),
    );
  }

  /**
   * Decoded pictures along the segment between the latent means of `from`
   * and `to` (one example each, [1, ...]): `steps` points including both
   * ends (labels: [1] for a conditional VAE).
   */
  interpolate(from: Tensor, to: Tensor, steps: number, options: { labels?: Tensor } = {}): Tensor {
    return noGrad(() =>
      tidy(() => {
        const za = this.encode(from, options.labels).mu;
        const zb = this.encode(to, options.labels).mu;
        const z = interpolateLatents(za, zb, steps);
        const labels = options.labels?.expand([steps]);
        return this.mean(this.decode(z, labels));
      }),
    );
  }

  /** The decoder's mean E[x | z] for an output: sigmoid of logits or the Gaussian mean. */
  mean(output: Tensor): Tensor {
    return likelihoodMean(output, this.likelihood);
  }

  /** `latent=…, likelihood=…, beta=…` */
  override extraRepr(): string {
    const c = this.numClasses === null ? '' : `, num_classes=${this.numClasses}`;
    return `latent=${this.latentSize}, likelihood=${this.likelihood}, beta=${this.beta}${c}`;
  }

  private run(x: Tensor, options: VAESampleOptions): VAEOutput {
    const { mu, logvar } = this.encode(x, options.labels);
    const z = reparameterize(mu, logvar, options);
    return { mu, logvar, z, output: this.decode(z, options.labels) };
  }

  /** Appends the one-hot label to the flattened input of a conditional VAE. */
  private conditioned(op: string, t: Tensor, labels: Tensor | undefined, flatten: boolean): Tensor {
    if (this.numClasses === null) {
      if (labels !== undefined)
        throw new ArgumentError(
          op,
          'labels were given to an unconditional VAE (numClasses not set)',
        );
      return t;
    }
    if (labels === undefined)
      throw new ArgumentError(op, `a conditional VAE (numClasses ${this.numClasses}) needs labels`);
    if (labels.rank !== 1 || labels.shape[0] !== t.shape[0])
      throw new ShapeError(
        op,
        `expected labels [${t.shape[0]}] (one class per example), got ${fmtShape(labels.shape)}`,
      );
    const flat = flatten ? t.reshape([t.shape[0]!, -1]) : t;
    return cat([flat, oneHot(labels, this.numClasses, 'float32').cast(t.dtype)], 1);
  }
}

function checkLatentSize(latentSize: number): void {
  if (!Number.isInteger(latentSize) || latentSize < 1)
    throw new ArgumentError('VAE', `latentSize must be a positive integer, got ${latentSize}`);
}

function checkBeta(op: string, beta: number): number {
  if (!(beta >= 0) || !Number.isFinite(beta))
    throw new ArgumentError(op, `beta must be a finite number >= 0, got ${beta}`);
  return beta;
}
