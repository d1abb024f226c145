import { ArgumentError, mean, sum, type Tensor } from '@webgrad/core-tensor';

/** How a loss reduces its per-element values, PyTorch's `reduction`. */
export type Reduction = 'mean' | 'sum' | 'none';

/** @internal throws unless `reduction` is one of `allowed`. */
export function checkReduction<R extends string>(op: string, reduction: string, allowed: readonly R[]): R {
  if (!(allowed as readonly string[]).includes(reduction)) {
    throw new ArgumentError(op, `reduction must be one of ${allowed.map((r) => `'${r}'`).join(', ')}, got '${reduction}'`);
  }
  return reduction as R;
}

/** @internal applies 'mean' (over every element), 'sum' or 'none' to elementwise losses. */
export function reduceLoss(op: string, loss: Tensor, reduction: string): Tensor {
  const r = checkReduction(op, reduction, ['mean', 'sum', 'none'] as const);
  if (r === 'none') return loss;
  return r === 'sum' ? sum(loss) : mean(loss);
}
