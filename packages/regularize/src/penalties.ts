import { ArgumentError, abs, add, scalar, square, sum, type Tensor } from '@webgrad/core-tensor';
import { parameterList, type ParameterSource } from './parameter-source.js';

/**
 * The L1 penalty λ·Σ_i |w_i| over every element of the given tensors (add it
 * to the loss). Its gradient λ·sign(w) pulls every weight towards zero by the
 * same amount, so small weights reach exactly zero: L1 makes weights sparse.
 *
 * @param params - the tensors to penalise (e.g. only the weights, not the biases), or a module (all its parameters).
 * @param coefficient - λ ≥ 0.
 *
 * @example
 * ```ts
 * const loss = mseLoss(net.forward(x), y).add(l1Penalty([net.fc1.weight, net.fc2.weight], 1e-4));
 * ```
 */
export function l1Penalty(params: ParameterSource, coefficient: number): Tensor {
  return penalty('l1Penalty', params, coefficient, (p) => sum(abs(p)));
}

/**
 * The L2 penalty (λ/2)·Σ_i w_i² over every element of the given tensors (add
 * it to the loss). The ½ makes its gradient exactly λ·w, so plain gradient
 * descent on loss + l2Penalty(λ) is SGD with `weightDecay: λ`:
 * w ← w − η(∇E + λw) = (1 − ηλ)·w − η∇E, the weights decay by the factor
 * (1 − ηλ) each step.
 *
 * @param params - the tensors to penalise, or a module (all its parameters).
 * @param coefficient - λ ≥ 0 (the same number as an optimizer's `weightDecay`).
 *
 * @example
 * ```ts
 * const loss = crossEntropy(net.forward(x), y).add(l2Penalty(net, 5e-4));
 * ```
 */
export function l2Penalty(params: ParameterSource, coefficient: number): Tensor {
  return penalty('l2Penalty', params, coefficient, (p) => sum(square(p)), 0.5);
}

function penalty(
  op: string,
  params: ParameterSource,
  coefficient: number,
  perTensor: (p: Tensor) => Tensor,
  factor = 1,
): Tensor {
  if (!(coefficient >= 0) || !Number.isFinite(coefficient))
    throw new ArgumentError(op, `coefficient must be a finite number >= 0, got ${coefficient}`);
  const tensors = parameterList(params);
  if (tensors.length === 0) return scalar(0);
  let total = perTensor(tensors[0]!);
  for (const p of tensors.slice(1)) total = add(total, perTensor(p));
  return total.mul(coefficient * factor);
}
