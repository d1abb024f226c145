import { customOp } from '@webgrad/autograd';
import {
  ArgumentError,
  ShapeError,
  add,
  clamp,
  div,
  fmtShape,
  log,
  log1p,
  mul,
  neg,
  shapesEqual,
  softplus,
  sub,
  type Tensor,
} from '@webgrad/core-tensor';
import { hostValues } from './host-values.js';
import { reduceLoss } from './reduction.js';
import type { LossOptions } from './regression-loss.js';

/** Options of `binaryCrossEntropy`. */
export interface BinaryCrossEntropyOptions extends LossOptions {
  /** Per-element rescaling weight, broadcast against the input. */
  weight?: Tensor | null;
}

/** Options of `binaryCrossEntropyWithLogits`. */
export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /**
   * Weight of the positive term, broadcast against the input (one per class
   * along the last axis): p > 1 raises recall, p < 1 raises precision.
   */
  posWeight?: Tensor | null;
}

/**
 * −[y·log x + (1 − y)·log(1 − x)] with each log clamped at −100 (PyTorch's
 * guard against log 0), differentiated as PyTorch does: ∂ℓ/∂x = (x − y) /
 * max(x(1 − x), 10⁻¹²) and ∂ℓ/∂y = log(1 − x) − log x.
 */
const bceElementwise = customOp({
  name: 'binaryCrossEntropy',
  forward: (x, y) => neg(add(mul(y, clamp(log(x), -100)), mul(sub(1, y), clamp(log1p(neg(x)), -100)))),
  backward: (g, { inputs: [x, y] }) => [
    mul(g, div(sub(x!, y!), clamp(mul(x!, sub(1, x!)), 1e-12))),
    mul(g, sub(log1p(neg(x!)), log(x!))),
  ],
});

function checkUnitInterval(op: string, what: string, t: Tensor): void {
  const values = hostValues(t);
  if (!values) return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= 1)) throw new ArgumentError(op, `all elements of ${what} should be between 0 and 1, found ${v} at flat index ${i}`);
  }
}

function checkWeight(op: string, name: string, w: Tensor | null | undefined, input: Tensor): void {
  if (!w) return;
  const offset = input.rank - w.rank;
  const fits = offset >= 0 && w.shape.every((d, i) => d === 1 || d === input.shape[offset + i]);
  if (!fits) throw new ShapeError(op, `${name} ${fmtShape(w.shape)} must broadcast to the input ${fmtShape(input.shape)}`);
}

/**
 * Binary cross-entropy between probabilities x ∈ [0, 1] and targets
 * y ∈ [0, 1], PyTorch's `F.binary_cross_entropy`:
 * ℓᵢ = −wᵢ[yᵢ·log xᵢ + (1 − yᵢ)·log(1 − xᵢ)], logs clamped at −100.
 * Input and target must have the same shape; values outside [0, 1] are an
 * error (checked on the CPU before any kernel runs).
 *
 * @example
 * ```ts
 * binaryCrossEntropy(tensor([0.8, 0.2]), tensor([1, 0])).item(); // −log 0.8
 * ```
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  const op = 'binaryCrossEntropy';
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(op, `target ${fmtShape(target.shape)} must have the same shape as the input ${fmtShape(input.shape)}`);
  }
  checkWeight(op, 'weight', options.weight, input);
  checkUnitInterval(op, 'input', input);
  checkUnitInterval(op, 'target', target);
  const y = target.dtype === input.dtype ? target : target.cast(input.dtype);
  let loss = bceElementwise(input, y);
  if (options.weight) loss = mul(loss, options.weight);
  return reduceLoss(op, loss, options.reduction ?? 'mean');
}

/**
 * Binary cross-entropy on logits, PyTorch's
 * `F.binary_cross_entropy_with_logits`: with σ the logistic function and
 * p the positive weight,
 * ℓᵢ = −wᵢ[p·yᵢ·log σ(xᵢ) + (1 − yᵢ)·log(1 − σ(xᵢ))]
 *    = wᵢ[(1 − yᵢ)·xᵢ + (1 + (p − 1)yᵢ)·softplus(−xᵢ)],
 * the second form being the stable one computed here (log σ(x) = −softplus(−x)).
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BinaryCrossEntropyWithLogitsOptions = {}): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(op, `target ${fmtShape(target.shape)} must have the same shape as the input ${fmtShape(input.shape)}`);
  }
  checkWeight(op, 'weight', options.weight, input);
  checkWeight(op, 'posWeight', options.posWeight, input);
  const y = target.dtype === input.dtype ? target : target.cast(input.dtype);
  const logSigmoidNeg = softplus(neg(input)); // −log σ(x)
  const logWeight = options.posWeight ? add(mul(sub(options.posWeight, 1), y), 1) : null;
  let loss = add(mul(sub(1, y), input), logWeight ? mul(logWeight, logSigmoidNeg) : logSigmoidNeg);
  if (options.weight) loss = mul(loss, options.weight);
  return reduceLoss(op, loss, options.reduction ?? 'mean');
}

/** Short name of {@link binaryCrossEntropy}. */
export const bce = binaryCrossEntropy;

/** Short name of {@link binaryCrossEntropyWithLogits}. */
export const bceWithLogits = binaryCrossEntropyWithLogits;
