import {
  ArgumentError,
  ShapeError,
  fmtShape,
  ones,
  rsqrt,
  zeros,
  type Tensor,
} from '@webgrad/core-tensor';
import { Module, Parameter } from '@webgrad/nn';
import { checkEps, type FloatDType } from './norm-options.js';
import { pyBool, pyFloat } from './python-repr.js';

/** Options of `groupNorm`. */
export interface GroupNormFunctionOptions {
  /** Per-channel scale γ, [C]. */
  weight?: Tensor | null;
  /** Per-channel shift β, [C]. */
  bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * Group normalisation (Wu & He 2018), PyTorch's `F.group_norm`: the C
 * channels of each sample of [N, C, *] input are split into G groups of C/G,
 * each group is normalised with its own mean and biased variance (over its
 * channels and all positions), then y_c = γ_c·x̂_c + β_c. G = 1 normalises
 * every sample as a whole (layer norm over [C, *]); G = C is instance norm.
 */
export function groupNorm(
  x: Tensor,
  numGroups: number,
  options: GroupNormFunctionOptions = {},
): Tensor {
  const eps = checkEps('groupNorm', options.eps ?? 1e-5);
  if (x.rank < 2)
    throw new ShapeError('groupNorm', `expected input [N, C, *], got ${fmtShape(x.shape)}`);
  const [n, c] = x.shape as [number, number];
  if (!Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0) {
    throw new ShapeError(
      'groupNorm',
      `expected the number of channels of input ${fmtShape(x.shape)} to be divisible by numGroups=${numGroups}`,
    );
  }
  for (const [name, t] of [
    ['weight', options.weight],
    ['bias', options.bias],
  ] as const) {
    if (t && (t.rank !== 1 || t.shape[0] !== c))
      throw new ShapeError('groupNorm', `${name} should be [${c}], got ${fmtShape(t.shape)}`);
  }
  const grouped = x.reshape([n, numGroups, x.size / (n * numGroups)]);
  const mean = grouped.mean(2, true);
  const centered = grouped.sub(mean);
  let y = centered.mul(rsqrt(centered.square().mean(2, true).add(eps))).reshape(x.shape);
  const perChannel = [1, c, ...x.shape.slice(2).map(() => 1)];
  if (options.weight) y = y.mul(options.weight.reshape(perChannel));
  if (options.bias) y = y.add(options.bias.reshape(perChannel));
  return y;
}

/** Options of `GroupNorm` (PyTorch's, in camelCase). */
export interface GroupNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learn per-channel `weight` (γ, init 1) and `bias` (β, init 0) (default true). */
  affine?: boolean;
  /** Dtype of the parameters (default float32). */
  dtype?: FloatDType;
}

/**
 * `groupNorm` as a layer, PyTorch's `nn.GroupNorm(num_groups, num_channels)`.
 * Independent of the batch, so it suits small batches (the U-Nets of
 * diffusion models use it).
 *
 * @example
 * ```ts
 * const gn = new GroupNorm(4, 32);
 * gn.forward(randn([2, 32, 8, 8]));
 * ```
 */
export class GroupNorm extends Module<[Tensor], Tensor> {
  /** γ, [C] (null without `affine`). */
  weight: Parameter | null;
  /** β, [C] (null without `affine`). */
  bias: Parameter | null;
  /** The options with their defaults filled in. */
  readonly options: Required<GroupNormOptions>;

  /** Creates the layer; `numChannels` must be divisible by `numGroups`. */
  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    options: GroupNormOptions = {},
  ) {
    super();
    if (
      !Number.isInteger(numGroups) ||
      numGroups < 1 ||
      !Number.isInteger(numChannels) ||
      numChannels < 1
    ) {
      throw new ArgumentError(
        'GroupNorm',
        `numGroups and numChannels must be positive integers, got ${numGroups} and ${numChannels}`,
      );
    }
    if (numChannels % numGroups !== 0)
      throw new ArgumentError(
        'GroupNorm',
        `numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`,
      );
    this.options = {
      eps: checkEps('GroupNorm', options.eps ?? 1e-5),
      affine: options.affine ?? true,
      dtype: options.dtype ?? 'float32',
    };
    const { affine, dtype } = this.options;
    this.weight = affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numChannels], { dtype })) : null;
  }

  /** Normalises each group of channels of [N, C, *] input. */
  forward(x: Tensor): Tensor {
    if (x.rank < 2 || x.shape[1] !== this.numChannels) {
      throw new ShapeError(
        'GroupNorm',
        `expected input [N, ${this.numChannels}, *], got ${fmtShape(x.shape)}`,
      );
    }
    return groupNorm(x, this.numGroups, {
      weight: this.weight,
      bias: this.bias,
      eps: this.options.eps,
    });
  }

  /** `4, 32, eps=1e-05, affine=True` */
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.options.eps)}, affine=${pyBool(this.options.affine)}`;
  }
}
