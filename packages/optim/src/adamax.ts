import type { Tensor } from '@webgrad/core-tensor';
import { ElementwiseOptimizer, stateZeros } from './elementwise-optimizer.js';
import { checkBetas, checkBoolean, checkNonNegative } from './option-checks.js';
import type { OptimizerOptions, ParamGroup, ParamsInput } from './optimizer.js';
import type { ParamState } from './optimizer-state.js';
import { decayedGradient, scalarLike, type UpdateRule } from './update-rule.js';

/** Options of `Adamax` (PyTorch's names, camelCase). */
export interface AdamaxOptions extends OptimizerOptions {
  /** Learning rate η (default 2e-3). */
  lr?: number;
  /** (β₁, β₂) (default [0.9, 0.999]). */
  betas?: [number, number];
  /** ε added to |g| inside the infinity norm (default 1e-8). */
  eps?: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** The numbers of one Adamax update. */
export type AdamaxHyper = {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly maximize: boolean;
  /** The step number t, from 1. */
  readonly step: number;
};

/**
 * Adamax's update, as `torch.optim.Adamax`:
 * g ← ±∇ + λw; m ← β₁m + (1 − β₁)g; u ← max(β₂u, |g| + ε); w ← w − η/(1 − β₁ᵗ) · m/u.
 */
export const adamaxUpdate: UpdateRule<AdamaxHyper> = {
  name: 'adamax',
  apply({ param, grad, state }, h) {
    const c = (v: number) => scalarLike(param, v);
    const g = decayedGradient(param, grad, h.maximize, h.weightDecay);
    const m = state.expAvg.mul(c(h.beta1)).add(g.mul(c(1 - h.beta1)));
    const u = state.expInf.mul(c(h.beta2)).maximum(g.abs().add(c(h.eps)));
    const clr = h.lr / (1 - h.beta1 ** h.step);
    return { param: param.sub(m.div(u).mul(c(clr))), state: { expAvg: m, expInf: u } };
  },
};

/**
 * Adamax: Adam with the infinity norm of past gradients in place of the
 * second moment, matching `torch.optim.Adamax` step for step.
 *
 * @example
 * ```ts
 * const opt = new Adamax(model.parameters(), { lr: 2e-3 });
 * ```
 */
export class Adamax extends ElementwiseOptimizer<AdamaxOptions, AdamaxHyper> {
  protected readonly rule = adamaxUpdate;

  /** Builds the optimizer over tensors or parameter groups. */
  constructor(params: ParamsInput<AdamaxOptions>, options: AdamaxOptions = {}) {
    super('Adamax', params, {
      lr: options.lr ?? 2e-3,
      betas: options.betas ? [options.betas[0], options.betas[1]] : [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      maximize: options.maximize ?? false,
    });
  }

  protected validateOptions(o: Required<AdamaxOptions>, where: string): void {
    checkNonNegative(this.name, `lr (${where})`, o.lr);
    checkNonNegative(this.name, `eps (${where})`, o.eps);
    checkBetas(this.name, where, o.betas);
    checkNonNegative(this.name, `weightDecay (${where})`, o.weightDecay);
    checkBoolean(this.name, `maximize (${where})`, o.maximize);
  }

  protected initState(p: Tensor): ParamState {
    return { step: 0, expAvg: stateZeros(p), expInf: stateZeros(p) };
  }

  protected hyper(g: ParamGroup<AdamaxOptions>, s: ParamState): AdamaxHyper {
    s.step = (s.step as number) + 1;
    return { lr: g.lr, beta1: g.betas[0], beta2: g.betas[1], eps: g.eps, weightDecay: g.weightDecay, maximize: g.maximize, step: s.step };
  }
}
