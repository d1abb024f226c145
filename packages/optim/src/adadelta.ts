import type { Tensor } from '@webgrad/core-tensor';
import { ElementwiseOptimizer, stateZeros } from './elementwise-optimizer.js';
import { checkBoolean, checkInterval, checkNonNegative } from './option-checks.js';
import type { OptimizerOptions, ParamGroup, ParamsInput } from './optimizer.js';
import type { ParamState } from './optimizer-state.js';
import { decayedGradient, scalarLike, type UpdateRule } from './update-rule.js';

/** Options of `Adadelta` (PyTorch's names, camelCase). */
export interface AdadeltaOptions extends OptimizerOptions {
  /** Scale η of the delta (default 1). */
  lr?: number;
  /** Decay ρ of both running averages (default 0.9). */
  rho?: number;
  /** ε inside both square roots (default 1e-6). */
  eps?: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** The numbers of one Adadelta update. */
export type AdadeltaHyper = {
  readonly lr: number;
  readonly rho: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly maximize: boolean;
};

/**
 * Adadelta's update, as `torch.optim.Adadelta` (Zeiler 2012):
 * g ← ±∇ + λw; E[g²] ← ρE[g²] + (1 − ρ)g²; Δ ← √(E[Δ²] + ε)/√(E[g²] + ε) · g;
 * E[Δ²] ← ρE[Δ²] + (1 − ρ)Δ²; w ← w − ηΔ.
 */
export const adadeltaUpdate: UpdateRule<AdadeltaHyper> = {
  name: 'adadelta',
  apply({ param, grad, state }, h) {
    const c = (v: number) => scalarLike(param, v);
    const g = decayedGradient(param, grad, h.maximize, h.weightDecay);
    const squareAvg = state.squareAvg.mul(c(h.rho)).add(g.mul(g).mul(c(1 - h.rho)));
    const std = squareAvg.add(c(h.eps)).sqrt();
    const delta = state.accDelta.add(c(h.eps)).sqrt().div(std).mul(g);
    const accDelta = state.accDelta.mul(c(h.rho)).add(delta.mul(delta).mul(c(1 - h.rho)));
    return { param: param.sub(delta.mul(c(h.lr))), state: { squareAvg, accDelta } };
  },
};

/**
 * Adadelta: steps scaled by the ratio of running RMS of past steps and of
 * gradients, matching `torch.optim.Adadelta` step for step.
 *
 * @example
 * ```ts
 * const opt = new Adadelta(model.parameters(), { rho: 0.9 });
 * ```
 */
export class Adadelta extends ElementwiseOptimizer<AdadeltaOptions, AdadeltaHyper> {
  protected readonly rule = adadeltaUpdate;

  /** Builds the optimizer over tensors or parameter groups. */
  constructor(params: ParamsInput<AdadeltaOptions>, options: AdadeltaOptions = {}) {
    super('Adadelta', params, {
      lr: options.lr ?? 1,
      rho: options.rho ?? 0.9,
      eps: options.eps ?? 1e-6,
      weightDecay: options.weightDecay ?? 0,
      maximize: options.maximize ?? false,
    });
  }

  protected validateOptions(o: Required<AdadeltaOptions>, where: string): void {
    checkNonNegative(this.name, `lr (${where})`, o.lr);
    checkInterval(this.name, `rho (${where})`, o.rho, 0, 1, '[]');
    checkNonNegative(this.name, `eps (${where})`, o.eps);
    checkNonNegative(this.name, `weightDecay (${where})`, o.weightDecay);
    checkBoolean(this.name, `maximize (${where})`, o.maximize);
  }

  protected initState(p: Tensor): ParamState {
    return { step: 0, squareAvg: stateZeros(p), accDelta: stateZeros(p) };
  }

  protected hyper(g: ParamGroup<AdadeltaOptions>, s: ParamState): AdadeltaHyper {
    s.step = (s.step as number) + 1;
    return { lr: g.lr, rho: g.rho, eps: g.eps, weightDecay: g.weightDecay, maximize: g.maximize };
  }
}
