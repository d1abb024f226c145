import { ShapeError, fmtShape, ones, rsqrt, zeros, type Tensor } from '@webgrad/core-tensor';
import { Module, Parameter } from '@webgrad/nn';
import { canFuseLayerNorm, fusedLayerNorm } from './fused-layer-norm.js';
import { checkEps, type FloatDType } from './norm-options.js';
import { pyBool, pyFloat } from './python-repr.js';

/** Options of `layerNorm`. */
export interface LayerNormFunctionOptions {
  /** Scale γ of shape `normalizedShape`. */
  weight?: Tensor | null;
  /** Shift β of shape `normalizedShape`. */
  bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * Layer normalisation (Ba, Kiros & Hinton 2016), PyTorch's `F.layer_norm`:
 * each sample is normalised over its last D axes (`normalizedShape`) with its
 * own mean and biased variance, y = γ ⊙ (x − μ)/√(σ² + ε) + β. No batch
 * statistics, so training and eval behave alike and batch size 1 works.
 * Runs as one fused kernel (`layerNorm`, forward and backward) on backends
 * that have it (CPU and WebGPU), else as separate ops.
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  options: LayerNormFunctionOptions = {},
): Tensor {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape.slice();
  const eps = checkEps('layerNorm', options.eps ?? 1e-5);
  const d = shape.length;
  const tail = x.shape.slice(x.rank - d);
  if (d === 0 || x.rank < d || tail.some((v, i) => v !== shape[i])) {
    throw new ShapeError(
      'layerNorm',
      `normalizedShape ${fmtShape(shape)} expects input [*, ${shape.join(', ')}], got ${fmtShape(x.shape)}`,
    );
  }
  for (const [name, t] of [
    ['weight', options.weight],
    ['bias', options.bias],
  ] as const) {
    if (t && (t.rank !== d || t.shape.some((v, i) => v !== shape[i])))
      throw new ShapeError(
        'layerNorm',
        `${name} should be ${fmtShape(shape)}, got ${fmtShape(t.shape)}`,
      );
  }
  const weight = options.weight ?? null;
  const bias = options.bias ?? null;
  if (canFuseLayerNorm(x, weight, bias)) {
    // one fused kernel over rows of N = ∏ normalizedShape (the reshapes are views)
    const n = shape.reduce((a, b) => a * b, 1);
    const rows = [...x.shape.slice(0, x.rank - d), n];
    return fusedLayerNorm(
      x.reshape(rows),
      weight?.reshape([n]) ?? null,
      bias?.reshape([n]) ?? null,
      eps,
    ).reshape(x.shape.slice());
  }
  const axes = shape.map((_, i) => x.rank - d + i);
  const mean = x.mean(axes, true);
  const centered = x.sub(mean);
  let y = centered.mul(rsqrt(centered.square().mean(axes, true).add(eps)));
  if (options.weight) y = y.mul(options.weight);
  if (options.bias) y = y.add(options.bias);
  return y;
}

/** Options of `LayerNorm` (PyTorch's, in camelCase). */
export interface LayerNormOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learn `weight` (γ, init 1) and `bias` (β, init 0) of shape `normalizedShape` (default true). */
  elementwiseAffine?: boolean;
  /** With `elementwiseAffine`, also learn the shift β (default true). */
  bias?: boolean;
  /** Dtype of the parameters (default float32). */
  dtype?: FloatDType;
}

/**
 * `layerNorm` as a layer, PyTorch's `nn.LayerNorm`, with parameters `weight`
 * and `bias` of shape `normalizedShape`.
 *
 * @example
 * ```ts
 * const ln = new LayerNorm(64);
 * ln.forward(randn([8, 10, 64])); // every [64] row: mean 0, variance ≈ 1
 * ```
 */
export class LayerNorm extends Module<[Tensor], Tensor> {
  /** γ (null without `elementwiseAffine`). */
  weight: Parameter | null;
  /** β (null without `elementwiseAffine` or with `bias: false`). */
  bias: Parameter | null;
  /** The trailing shape that is normalised. */
  readonly normalizedShape: readonly number[];
  /** The options with their defaults filled in. */
  readonly options: Required<LayerNormOptions>;

  /** Creates the layer for inputs ending in `normalizedShape`. */
  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape.slice();
    if (shape.length === 0 || shape.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new ShapeError(
        'LayerNorm',
        `normalizedShape must be positive integers, got ${fmtShape(shape)}`,
      );
    }
    this.normalizedShape = Object.freeze(shape);
    this.options = {
      eps: checkEps('LayerNorm', options.eps ?? 1e-5),
      elementwiseAffine: options.elementwiseAffine ?? true,
      bias: options.bias ?? true,
      dtype: options.dtype ?? 'float32',
    };
    const { elementwiseAffine, dtype } = this.options;
    this.weight = elementwiseAffine ? new Parameter(ones(shape, { dtype })) : null;
    this.bias =
      elementwiseAffine && this.options.bias ? new Parameter(zeros(shape, { dtype })) : null;
  }

  /** Normalises over the trailing `normalizedShape` axes. */
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, {
      weight: this.weight,
      bias: this.bias,
      eps: this.options.eps,
    });
  }

  /** `(64,), eps=1e-05, elementwise_affine=True` */
  override extraRepr(): string {
    const s = this.normalizedShape;
    return `(${s.join(', ')}${s.length === 1 ? ',' : ''}), eps=${pyFloat(this.options.eps)}, elementwise_affine=${pyBool(this.options.elementwiseAffine)}`;
  }
}
