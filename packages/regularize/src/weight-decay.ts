import { ArgumentError, type Tensor } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { parameterList, type ParameterSource } from './parameter-source.js';

/** A parameter group for an optimizer: tensors with their own `weightDecay`. */
export interface WeightDecayGroup {
  /** The tensors of the group. */
  params: Tensor[];
  /** The group's weight decay. */
  weightDecay: number;
}

/** Options of `weightDecayGroups`. */
export interface WeightDecayGroupsOptions {
  /** The decay of the decayed group. */
  weightDecay: number;
  /**
   * Which parameters are exempt from decay, by dotted name and tensor. Default:
   * biases and every tensor with fewer than 2 axes (norm scales and shifts),
   * the usual choice since decaying them only limits what the net can express.
   */
  noDecay?: (name: string, param: Tensor) => boolean;
}

/**
 * Splits a module's parameters into a decayed group and an exempt group
 * (weightDecay 0), ready for an optimizer that takes parameter groups.
 *
 * @example
 * ```ts
 * const opt = new AdamW(weightDecayGroups(model, { weightDecay: 0.1 }), { lr: 3e-4 });
 * ```
 */
export function weightDecayGroups(
  module: { namedParameters(): [string, Tensor][] },
  options: WeightDecayGroupsOptions,
): [WeightDecayGroup, WeightDecayGroup] {
  checkDecay('weightDecayGroups', options.weightDecay);
  const exempt =
    options.noDecay ??
    ((name: string, p: Tensor) => p.rank < 2 || name === 'bias' || name.endsWith('.bias'));
  const decay: Tensor[] = [];
  const noDecay: Tensor[] = [];
  for (const [name, p] of module.namedParameters()) (exempt(name, p) ? noDecay : decay).push(p);
  return [
    { params: decay, weightDecay: options.weightDecay },
    { params: noDecay, weightDecay: 0 },
  ];
}

/**
 * Decoupled weight decay (Loshchilov & Hutter, the "W" of AdamW), in place:
 * w ← w − η·λ·w for every tensor, independent of the gradient. Call it
 * beside any optimizer's step. For SGD this is the same as an L2 penalty; for
 * adaptive methods it is not, because an L2 term's gradient would be divided
 * by √v̂ like the rest of the gradient.
 *
 * @param lr - η, the learning rate the decay is scaled by.
 * @param weightDecay - λ.
 */
export function decoupledWeightDecay_(
  params: ParameterSource,
  lr: number,
  weightDecay: number,
): void {
  checkDecay('decoupledWeightDecay_', weightDecay);
  if (!(lr >= 0) || !Number.isFinite(lr))
    throw new ArgumentError('decoupledWeightDecay_', `lr must be a finite number >= 0, got ${lr}`);
  noGrad(() => {
    for (const p of parameterList(params)) {
      const decayed = p.mul(1 - lr * weightDecay);
      p.assign_(decayed);
      decayed.dispose();
    }
  });
}

function checkDecay(op: string, weightDecay: number): void {
  if (!(weightDecay >= 0) || !Number.isFinite(weightDecay))
    throw new ArgumentError(op, `weightDecay must be a finite number >= 0, got ${weightDecay}`);
}
