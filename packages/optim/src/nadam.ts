import type { Tensor } from '@webgrad/core-tensor';
import { ElementwiseOptimizer, stateZeros } from './elementwise-optimizer.js';
import { checkBetas, checkNonNegative } from './option-checks.js';
import type { OptimizerOptions, ParamGroup, ParamsInput } from './optimizer.js';
import type { ParamState } from './optimizer-state.js';
import { decayedGradient, scalarLike, type UpdateRule } from './update-rule.js';

/** Options of `NAdam` (PyTorch 1.13's names, camelCase; 1.13 has no `maximize` here). */
export interface NAdamOptions extends OptimizerOptions {
  /** Learning rate η (default 2e-3). */
  lr?: number;
  /** (β₁, β₂) (default [0.9, 0.999]). */
  betas?: [number, number];
  /** ε in the denominator (default 1e-8). */
  eps?: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
  /** Momentum decay ψ of the momentum schedule μₜ = β₁(1 − ½·0.96^(tψ)) (default 4e-3). */
  momentumDecay?: number;
}

/** The numbers of one NAdam update. */
export type NAdamHyper = {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** The step number t, from 1. */
  readonly step: number;
  /** μₜ. */
  readonly mu: number;
  /** μₜ₊₁. */
  readonly muNext: number;
  /** ∏ᵢ≤ₜ μᵢ. */
  readonly muProduct: number;
  /** ∏ᵢ≤ₜ μᵢ · μₜ₊₁ (as PyTorch computes it: muProduct·μₜ·μₜ₊₁). */
  readonly muProductNext: number;
};

/**
 * NAdam's update, as `torch.optim.NAdam` (Dozat 2016):
 * g ← ∇ + λw; m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; d ← √(v/(1 − β₂ᵗ)) + ε;
 * w ← w − η(1 − μₜ)/(1 − Πμ) · g/d − η μₜ₊₁/(1 − Πμ·μₜ₊₁) · m/d.
 */
export const nadamUpdate: UpdateRule<NAdamHyper> = {
  name: 'nadam',
  apply({ param, grad, state }, h) {
    const c = (v: number) => scalarLike(param, v);
    const g = decayedGradient(param, grad, false, h.weightDecay);
    const m = state.expAvg.mul(c(h.beta1)).add(g.mul(c(1 - h.beta1)));
    const v = state.expAvgSq.mul(c(h.beta2)).add(g.mul(g).mul(c(1 - h.beta2)));
    const denom = v.div(c(1 - h.beta2 ** h.step)).sqrt().add(c(h.eps));
    const w1 = param.sub(g.div(denom).mul(c((h.lr * (1 - h.mu)) / (1 - h.muProduct))));
    const w2 = w1.sub(m.div(denom).mul(c((h.lr * h.muNext) / (1 - h.muProductNext))));
    return { param: w2, state: { expAvg: m, expAvgSq: v } };
  },
};

/**
 * NAdam: Adam with Nesterov momentum and the momentum schedule
 * μₜ = β₁(1 − ½·0.96^(tψ)), matching `torch.optim.NAdam` step for step
 * (including PyTorch's float32 running product of μ).
 *
 * @example
 * ```ts
 * const opt = new NAdam(model.parameters(), { lr: 2e-3 });
 * ```
 */
export class NAdam extends ElementwiseOptimizer<NAdamOptions, NAdamHyper> {
  protected readonly rule = nadamUpdate;

  /** Builds the optimizer over tensors or parameter groups. */
  constructor(params: ParamsInput<NAdamOptions>, options: NAdamOptions = {}) {
    super('NAdam', params, {
      lr: options.lr ?? 2e-3,
      betas: options.betas ? [options.betas[0], options.betas[1]] : [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      momentumDecay: options.momentumDecay ?? 4e-3,
    });
  }

  protected validateOptions(o: Required<NAdamOptions>, where: string): void {
    checkNonNegative(this.name, `lr (${where})`, o.lr);
    checkNonNegative(this.name, `eps (${where})`, o.eps);
    checkBetas(this.name, where, o.betas);
    checkNonNegative(this.name, `weightDecay (${where})`, o.weightDecay);
    checkNonNegative(this.name, `momentumDecay (${where})`, o.momentumDecay);
  }

  protected initState(p: Tensor): ParamState {
    return { step: 0, muProduct: 1, expAvg: stateZeros(p), expAvgSq: stateZeros(p) };
  }

  protected hyper(g: ParamGroup<NAdamOptions>, s: ParamState): NAdamHyper {
    const step = (s.step as number) + 1;
    s.step = step;
    const [beta1, beta2] = g.betas;
    const mu = beta1 * (1 - 0.5 * 0.96 ** (step * g.momentumDecay));
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * g.momentumDecay));
    // PyTorch keeps mu_product in a float32 tensor: round as float32 arithmetic does
    const f = Math.fround;
    const muProduct = f((s.muProduct as number) * f(mu));
    s.muProduct = muProduct;
    const muProductNext = f(f(muProduct * f(mu)) * f(muNext));
    return { lr: g.lr, beta1, beta2, eps: g.eps, weightDecay: g.weightDecay, step, mu, muNext, muProduct, muProductNext };
  }
}
