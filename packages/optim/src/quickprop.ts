import { isinf, where, type Tensor } from '@webgrad/core-tensor';
import { ElementwiseOptimizer, stateZeros } from './elementwise-optimizer.js';
import { checkBoolean, checkNonNegative, checkPositive } from './option-checks.js';
import type { OptimizerOptions, ParamGroup, ParamsInput } from './optimizer.js';
import type { ParamState } from './optimizer-state.js';
import { decayedGradient, scalarLike, type UpdateRule } from './update-rule.js';

/** Options of `QuickProp`. */
export interface QuickPropOptions extends OptimizerOptions {
  /** ε of the gradient step −εg (first step, fallbacks and the added gradient term; default 1e-2). */
  lr?: number;
  /** The maximum growth factor μ: no step exceeds μ times the previous one (default 1.75, Fahlman's value). */
  mu?: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
  /** Add −εg to the quadratic step while the slope still points the way the last step went, as Fahlman does (default true). */
  gradientTerm?: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** The numbers of one QuickProp update. */
export type QuickPropHyper = {
  readonly lr: number;
  readonly mu: number;
  readonly weightDecay: number;
  readonly gradientTerm: boolean;
  readonly maximize: boolean;
};

/**
 * QuickProp's update (Fahlman 1988), per weight, with g = ±∇ + λw, the
 * previous gradient g₋ and the previous step Δ₋:
 *
 * 1. If Δ₋ = 0 (the first step, or a weight that did not move): Δ = −εg.
 * 2. Otherwise the quadratic step q: if Δ₋·(g − σg₋) ≤ 0 with σ = μ/(1 + μ)
 *    (the secant step would grow by more than μ, or the slope did not
 *    shrink), q = μΔ₋; else the secant step q = Δ₋·g/(g₋ − g).
 *    If q is not finite (g = g₋, a zero denominator) the step falls back to
 *    Δ = −εg. Otherwise Δ = q, plus −εg when `gradientTerm` is on and
 *    g·Δ₋ < 0 (the slope has not changed sign relative to the last step; after
 *    a sign change only the quadratic step is taken).
 *
 * Then w ← w + Δ, g₋ ← g, Δ₋ ← Δ.
 */
export const quickpropUpdate: UpdateRule<QuickPropHyper> = {
  name: 'quickprop',
  apply({ param, grad, state }, h) {
    const c = (v: number) => scalarLike(param, v);
    const g = decayedGradient(param, grad, h.maximize, h.weightDecay);
    const prevStep = state.prevStep;
    const prevGrad = state.prevGrad;
    const gradStep = g.mul(c(-h.lr));
    const sigma = h.mu / (1 + h.mu);
    const capped = prevStep.mul(g.sub(prevGrad.mul(c(sigma)))).le(0);
    const secant = prevStep.mul(g).div(prevGrad.sub(g));
    const quad = where(capped, prevStep.mul(c(h.mu)), secant);
    const secantFails = quad.isnan().logicalOr(isinf(quad));
    const useGradient = prevStep.eq(0).logicalOr(secantFails);
    const withTerm = h.gradientTerm ? quad.add(where(g.mul(prevStep).lt(0), gradStep, c(0))) : quad;
    const step = where(useGradient, gradStep, withTerm);
    return { param: param.add(step), state: { prevStep: step, prevGrad: g } };
  },
};

/**
 * QuickProp (Fahlman 1988): each weight jumps to the minimum of the parabola
 * through its last two slopes (a secant step on the gradient), limited to μ
 * times the previous step, falling back to gradient descent where the secant
 * fails. See `quickpropUpdate` for the exact rule.
 *
 * @example
 * ```ts
 * const opt = new QuickProp(model.parameters(), { lr: 0.05, mu: 1.75 });
 * ```
 */
export class QuickProp extends ElementwiseOptimizer<QuickPropOptions, QuickPropHyper> {
  protected readonly rule = quickpropUpdate;

  /** Builds the optimizer over tensors or parameter groups. */
  constructor(params: ParamsInput<QuickPropOptions>, options: QuickPropOptions = {}) {
    super('QuickProp', params, {
      lr: options.lr ?? 1e-2,
      mu: options.mu ?? 1.75,
      weightDecay: options.weightDecay ?? 0,
      gradientTerm: options.gradientTerm ?? true,
      maximize: options.maximize ?? false,
    });
  }

  protected validateOptions(o: Required<QuickPropOptions>, where: string): void {
    checkNonNegative(this.name, `lr (${where})`, o.lr);
    checkPositive(this.name, `mu (${where})`, o.mu);
    checkNonNegative(this.name, `weightDecay (${where})`, o.weightDecay);
    checkBoolean(this.name, `gradientTerm (${where})`, o.gradientTerm);
    checkBoolean(this.name, `maximize (${where})`, o.maximize);
  }

  protected initState(p: Tensor): ParamState {
    return { step: 0, prevStep: stateZeros(p), prevGrad: stateZeros(p) };
  }

  protected hyper(g: ParamGroup<QuickPropOptions>, s: ParamState): QuickPropHyper {
    s.step = (s.step as number) + 1;
    return { lr: g.lr, mu: g.mu, weightDecay: g.weightDecay, gradientTerm: g.gradientTerm, maximize: g.maximize };
  }
}
