import { ArgumentError, randn, type Generator, type Tensor } from '@webgrad/core-tensor';
import { Module } from '@webgrad/nn';
import { pyFloat } from './python-repr.js';

/** Options of `GaussianNoise` and `gaussianNoise`. */
export interface GaussianNoiseOptions {
  /** The random stream of the noise (default: core-tensor's default generator). */
  generator?: Generator;
}

/**
 * Input noise injection: x + σ·ε with ε ~ N(0, I) in training, x unchanged
 * otherwise. Training on noisy inputs is a regulariser: for linear regression
 * y = w₁x + w₀ the expected squared error under noise is
 *
 *   E_ε[(w₁(x + ε) + w₀ − d)²] = (w₁x + w₀ − d)² + σ²w₁²,
 *
 * the clean loss plus an L2 penalty on the weight (Bishop 1995: Tikhonov
 * regularisation).
 */
export function gaussianNoise(
  x: Tensor,
  sigma: number,
  training = true,
  options: GaussianNoiseOptions = {},
): Tensor {
  checkSigma('gaussianNoise', sigma);
  if (!training || sigma === 0 || x.size === 0) return x;
  const eps = randn(x.shape, {
    dtype: x.dtype === 'float64' ? 'float64' : 'float32',
    backend: x.backend.name,
    ...(options.generator ? { generator: options.generator } : {}),
  });
  return x.add(eps.mul(sigma));
}

/**
 * `gaussianNoise` as a layer: adds N(0, σ²) noise in training mode, the
 * identity in eval mode.
 *
 * @example
 * ```ts
 * const net = new Sequential(new GaussianNoise(0.1), new Linear(2, 16), new Tanh(), new Linear(16, 1));
 * ```
 */
export class GaussianNoise extends Module<[Tensor], Tensor> {
  /** The noise's standard deviation σ. */
  readonly sigma: number;
  /** The options the layer was made with. */
  readonly options: GaussianNoiseOptions;

  /** Creates the layer; σ ≥ 0. */
  constructor(sigma: number, options: GaussianNoiseOptions = {}) {
    super();
    checkSigma('GaussianNoise', sigma);
    this.sigma = sigma;
    this.options = options;
  }

  /** Adds noise in training mode. */
  forward(x: Tensor): Tensor {
    return gaussianNoise(x, this.sigma, this.training, this.options);
  }

  /** `sigma=0.1` */
  override extraRepr(): string {
    return `sigma=${pyFloat(this.sigma)}`;
  }
}

function checkSigma(op: string, sigma: number): void {
  if (!(sigma >= 0) || !Number.isFinite(sigma))
    throw new ArgumentError(op, `sigma must be a finite number >= 0, got ${sigma}`);
}
