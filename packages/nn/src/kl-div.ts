import { div, eq, exp, log, mul, sub, sum, where, type Tensor } from '@webgrad/core-tensor';
import { checkReduction, reduceLoss } from './reduction.js';

/** Options of `klDiv`. */
export interface KlDivOptions {
  /**
   * `'mean'` (default, PyTorch's: divides by the number of elements, which is
   * not the KL divergence), `'batchmean'` (divides the sum by the batch size:
   * the true mean KL per sample), `'sum'` or `'none'`.
   */
  reduction?: 'mean' | 'batchmean' | 'sum' | 'none';
  /** Whether `target` holds log-probabilities (default false). */
  logTarget?: boolean;
}

/**
 * Kullback–Leibler divergence KL(target ‖ p) with `input` = log p, PyTorch's
 * `F.kl_div`: ℓᵢ = yᵢ·(log yᵢ − xᵢ), taken as 0 where yᵢ = 0 (xlogy), or
 * ℓᵢ = e^{yᵢ}·(yᵢ − xᵢ) when `logTarget`. Input and target broadcast.
 *
 * @example
 * ```ts
 * const logp = logSoftmax(tensor([[1, 2, 3]]), 1);
 * klDiv(logp, tensor([[0.2, 0.3, 0.5]]), { reduction: 'batchmean' });
 * ```
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  const reduction = checkReduction('klDiv', options.reduction ?? 'mean', ['mean', 'batchmean', 'sum', 'none'] as const);
  let loss: Tensor;
  if (options.logTarget) {
    loss = mul(exp(target), sub(target, input));
  } else {
    // xlogy(y, y): y·log y with 0·log 0 = 0; log(1) at y = 0 keeps the gradient finite
    const yLogY = mul(target, log(where(eq(target, 0), 1, target)));
    loss = sub(yLogY, mul(target, input));
  }
  if (reduction === 'batchmean') {
    const total = sum(loss);
    return input.rank === 0 ? total : div(total, input.shape[0]!);
  }
  return reduceLoss('klDiv', loss, reduction);
}
