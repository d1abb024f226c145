import type { Tensor } from '@webgrad/core-tensor';
import { ElementwiseOptimizer, stateFull } from './elementwise-optimizer.js';
import { checkBoolean, checkNonNegative } from './option-checks.js';
import type { OptimizerOptions, ParamGroup, ParamsInput } from './optimizer.js';
import type { ParamState } from './optimizer-state.js';
import { decayedGradient, scalarLike, type UpdateRule } from './update-rule.js';

/** Options of `Adagrad` (PyTorch's names, camelCase). */
export interface AdagradOptions extends OptimizerOptions {
  /** Learning rate η (default 1e-2). */
  lr?: number;
  /** Learning-rate decay: the step t uses η/(1 + (t − 1)·lrDecay) (default 0). */
  lrDecay?: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
  /** The sum of squared gradients starts at this value (default 0). */
  initialAccumulatorValue?: number;
  /** ε added to √sum (default 1e-10). */
  eps?: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** The numbers of one Adagrad update. */
export type AdagradHyper = {
  /** The decayed learning rate η/(1 + (t − 1)·lrDecay). */
  readonly clr: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly maximize: boolean;
};

/**
 * Adagrad's update, as `torch.optim.Adagrad`:
 * g ← ±∇ + λw; s ← s + g²; w ← w − η/(1 + (t − 1)·lrDecay) · g/(√s + ε).
 */
export const adagradUpdate: UpdateRule<AdagradHyper> = {
  name: 'adagrad',
  apply({ param, grad, state }, h) {
    const c = (v: number) => scalarLike(param, v);
    const g = decayedGradient(param, grad, h.maximize, h.weightDecay);
    const sum = state.sum.add(g.mul(g));
    const std = sum.sqrt().add(c(h.eps));
    return { param: param.sub(g.div(std).mul(c(h.clr))), state: { sum } };
  },
};

/**
 * Adagrad (Duchi et al.): per-coordinate steps shrinking with the sum of
 * squared gradients, with learning-rate decay and an initial accumulator,
 * matching `torch.optim.Adagrad` step for step.
 *
 * @example
 * ```ts
 * const opt = new Adagrad(model.parameters(), { lr: 0.1, initialAccumulatorValue: 0.1 });
 * ```
 */
export class Adagrad extends ElementwiseOptimizer<AdagradOptions, AdagradHyper> {
  protected readonly rule = adagradUpdate;

  /** Builds the optimizer over tensors or parameter groups. */
  constructor(params: ParamsInput<AdagradOptions>, options: AdagradOptions = {}) {
    super('Adagrad', params, {
      lr: options.lr ?? 1e-2,
      lrDecay: options.lrDecay ?? 0,
      weightDecay: options.weightDecay ?? 0,
      initialAccumulatorValue: options.initialAccumulatorValue ?? 0,
      eps: options.eps ?? 1e-10,
      maximize: options.maximize ?? false,
    });
  }

  protected validateOptions(o: Required<AdagradOptions>, where: string): void {
    checkNonNegative(this.name, `lr (${where})`, o.lr);
    checkNonNegative(this.name, `lrDecay (${where})`, o.lrDecay);
    checkNonNegative(this.name, `weightDecay (${where})`, o.weightDecay);
    checkNonNegative(this.name, `initialAccumulatorValue (${where})`, o.initialAccumulatorValue);
    checkNonNegative(this.name, `eps (${where})`, o.eps);
    checkBoolean(this.name, `maximize (${where})`, o.maximize);
  }

  protected initState(p: Tensor, g: ParamGroup<AdagradOptions>): ParamState {
    return { step: 0, sum: stateFull(p, g.initialAccumulatorValue) };
  }

  protected hyper(g: ParamGroup<AdagradOptions>, s: ParamState): AdagradHyper {
    const step = (s.step as number) + 1;
    s.step = step;
    return { clr: g.lr / (1 + (step - 1) * g.lrDecay), eps: g.eps, weightDecay: g.weightDecay, maximize: g.maximize };
  }
}
