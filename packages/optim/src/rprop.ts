import { ArgumentError, where, type Tensor } from '@webgrad/core-tensor';
import { ElementwiseOptimizer, stateFull, stateZeros } from './elementwise-optimizer.js';
import { checkBoolean, checkNonNegative, checkPair } from './option-checks.js';
import type { OptimizerOptions, ParamGroup, ParamsInput } from './optimizer.js';
import type { ParamState } from './optimizer-state.js';
import { scalarLike, type UpdateRule } from './update-rule.js';

/** Options of `Rprop` (PyTorch's names, camelCase). */
export interface RpropOptions extends OptimizerOptions {
  /** The initial step size Δ₀ of every weight (default 1e-2). Later changes do not affect existing step sizes, as in PyTorch. */
  lr?: number;
  /** (η⁻, η⁺): step-size factors after a sign change and after an agreeing sign (default [0.5, 1.2]). */
  etas?: [number, number];
  /** (Δmin, Δmax): bounds of every step size (default [1e-6, 50]). */
  stepSizes?: [number, number];
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** The numbers of one Rprop update. */
export type RpropHyper = {
  readonly etaMinus: number;
  readonly etaPlus: number;
  readonly stepSizeMin: number;
  readonly stepSizeMax: number;
  readonly maximize: boolean;
};

/**
 * Rprop's update, as `torch.optim.Rprop` (Riedmiller & Braun 1993, the
 * variant without weight backtracking): with s = sign(g·g_prev),
 * Δ ← clamp(Δ·η⁺ if s > 0, Δ·η⁻ if s < 0, Δ if s = 0; Δmin, Δmax);
 * after a sign change g ← 0 (no step, and the next step counts as s = 0);
 * w ← w − sign(g)·Δ; g_prev ← g.
 */
export const rpropUpdate: UpdateRule<RpropHyper> = {
  name: 'rprop',
  apply({ param, grad, state }, h) {
    const c = (v: number) => scalarLike(param, v);
    const g = h.maximize ? grad.neg() : grad;
    const s = g.mul(state.prev).sign();
    const factor = where(s.gt(0), c(h.etaPlus), where(s.lt(0), c(h.etaMinus), c(1)));
    const stepSize = state.stepSize.mul(factor).clamp(h.stepSizeMin, h.stepSizeMax);
    const gKept = where(s.lt(0), c(0), g);
    return { param: param.sub(gKept.sign().mul(stepSize)), state: { prev: gKept, stepSize } };
  },
};

/**
 * Rprop: per-weight step sizes that grow by η⁺ while the gradient keeps its
 * sign and shrink by η⁻ when it flips; only the gradient's sign is used.
 * Matches `torch.optim.Rprop` step for step.
 *
 * @example
 * ```ts
 * const opt = new Rprop(model.parameters(), { lr: 0.01, etas: [0.5, 1.2], stepSizes: [1e-6, 50] });
 * ```
 */
export class Rprop extends ElementwiseOptimizer<RpropOptions, RpropHyper> {
  protected readonly rule = rpropUpdate;

  /** Builds the optimizer over tensors or parameter groups. */
  constructor(params: ParamsInput<RpropOptions>, options: RpropOptions = {}) {
    super('Rprop', params, {
      lr: options.lr ?? 1e-2,
      etas: options.etas ? [options.etas[0], options.etas[1]] : [0.5, 1.2],
      stepSizes: options.stepSizes ? [options.stepSizes[0], options.stepSizes[1]] : [1e-6, 50],
      maximize: options.maximize ?? false,
    });
  }

  protected validateOptions(o: Required<RpropOptions>, where: string): void {
    checkNonNegative(this.name, `lr (${where})`, o.lr);
    checkPair(this.name, `etas (${where})`, o.etas);
    if (!(0 < o.etas[0] && o.etas[0] < 1 && 1 < o.etas[1])) {
      throw new ArgumentError(this.name, `invalid etas (${where}): [${o.etas.join(', ')}] (expected 0 < etaMinus < 1 < etaPlus)`);
    }
    checkPair(this.name, `stepSizes (${where})`, o.stepSizes);
    if (!(0 <= o.stepSizes[0] && o.stepSizes[0] <= o.stepSizes[1])) {
      throw new ArgumentError(this.name, `invalid stepSizes (${where}): [${o.stepSizes.join(', ')}] (expected 0 ≤ min ≤ max)`);
    }
    checkBoolean(this.name, `maximize (${where})`, o.maximize);
  }

  protected initState(p: Tensor, g: ParamGroup<RpropOptions>): ParamState {
    return { step: 0, prev: stateZeros(p), stepSize: stateFull(p, g.lr) };
  }

  protected hyper(g: ParamGroup<RpropOptions>, s: ParamState): RpropHyper {
    s.step = (s.step as number) + 1;
    return { etaMinus: g.etas[0], etaPlus: g.etas[1], stepSizeMin: g.stepSizes[0], stepSizeMax: g.stepSizes[1], maximize: g.maximize };
  }
}
