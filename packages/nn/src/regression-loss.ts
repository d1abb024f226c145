import { ArgumentError, abs, div, mul, square, sub, sum, where, lt, type Tensor } from '@webgrad/core-tensor';
import { checkReduction, reduceLoss, type Reduction } from './reduction.js';

/**
 * The regression losses of PyTorch (`mse_loss`, `l1_loss`, `smooth_l1_loss`,
 * `huber_loss`) and the course's E = ½‖y − d‖². Input and target broadcast
 * against each other, as in PyTorch.
 */

/** Options shared by every loss: PyTorch's `reduction` (default `'mean'`). */
export interface LossOptions {
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: Reduction;
}

/**
 * Mean squared error, PyTorch's `F.mse_loss`: ℓᵢ = (xᵢ − yᵢ)², reduced by
 * mean (default), sum or none.
 *
 * @example
 * ```ts
 * mseLoss(tensor([1, 2]), tensor([0, 0])).item(); // (1 + 4) / 2 = 2.5
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  return reduceLoss('mseLoss', square(sub(input, target)), options.reduction ?? 'mean');
}

/** Options of `halfSquaredError`. */
export interface HalfSquaredErrorOptions {
  /**
   * `'sum'` (default: E = ½Σᵢ(yᵢ − dᵢ)² = ½‖y − d‖²), `'batchmean'` (the sum
   * divided by the batch size, the first axis: the course's average over
   * patterns), `'mean'` (divided by the number of elements) or `'none'`.
   */
  reduction?: 'sum' | 'batchmean' | 'mean' | 'none';
}

/**
 * The course's squared error E = ½‖y − d‖² = ½Σᵢ(yᵢ − dᵢ)², whose gradient
 * is simply ∂E/∂y = y − d. `reduction: 'batchmean'` averages it over the
 * patterns of a batch (first axis).
 *
 * @example
 * ```ts
 * halfSquaredError(tensor([3, 0]), tensor([1, 0])).item(); // ½·2² = 2
 * ```
 */
export function halfSquaredError(y: Tensor, d: Tensor, options: HalfSquaredErrorOptions = {}): Tensor {
  const r = checkReduction('halfSquaredError', options.reduction ?? 'sum', ['sum', 'batchmean', 'mean', 'none'] as const);
  const e = mul(square(sub(y, d)), 0.5);
  if (r === 'batchmean') return div(sum(e), e.rank === 0 ? 1 : e.shape[0]!);
  return reduceLoss('halfSquaredError', e, r);
}

/** Mean absolute error, PyTorch's `F.l1_loss`: ℓᵢ = |xᵢ − yᵢ|. */
export function l1Loss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  return reduceLoss('l1Loss', abs(sub(input, target)), options.reduction ?? 'mean');
}

/** Options of `smoothL1Loss`. */
export interface SmoothL1LossOptions extends LossOptions {
  /** Where the loss changes from quadratic to linear (default 1; 0 gives the L1 loss). */
  beta?: number;
}

/**
 * PyTorch's `F.smooth_l1_loss`: with d = x − y, ℓ = ½d²/β where |d| < β,
 * else |d| − ½β. Continuous with slope ±1 outside [−β, β]; β = 0 is the L1 loss.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1LossOptions = {}): Tensor {
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new ArgumentError('smoothL1Loss', `beta must be non-negative, got ${beta}`);
  const a = abs(sub(input, target));
  if (beta === 0) return reduceLoss('smoothL1Loss', a, options.reduction ?? 'mean');
  const loss = where(lt(a, beta), div(mul(square(a), 0.5), beta), sub(a, 0.5 * beta));
  return reduceLoss('smoothL1Loss', loss, options.reduction ?? 'mean');
}

/** Options of `huberLoss`. */
export interface HuberLossOptions extends LossOptions {
  /** Where the loss changes from quadratic to linear (default 1, must be positive). */
  delta?: number;
}

/**
 * PyTorch's `F.huber_loss`: with d = x − y, ℓ = ½d² where |d| < δ, else
 * δ(|d| − ½δ). Equals δ · smoothL1Loss with β = δ.
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberLossOptions = {}): Tensor {
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new ArgumentError('huberLoss', `delta must be positive, got ${delta}`);
  const a = abs(sub(input, target));
  const loss = where(lt(a, delta), mul(square(a), 0.5), mul(sub(a, 0.5 * delta), delta));
  return reduceLoss('huberLoss', loss, options.reduction ?? 'mean');
}
