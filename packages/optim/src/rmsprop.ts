import type { Tensor } from '@webgrad/core-tensor';
import { ElementwiseOptimizer, stateZeros } from './elementwise-optimizer.js';
import { checkBoolean, checkNonNegative } from './option-checks.js';
import type { OptimizerOptions, ParamGroup, ParamsInput } from './optimizer.js';
import type { ParamState } from './optimizer-state.js';
import { decayedGradient, scalarLike, type UpdateRule } from './update-rule.js';

/** Options of `RMSprop` (PyTorch's names, camelCase). */
export interface RMSpropOptions extends OptimizerOptions {
  /** Learning rate η (default 1e-2). */
  lr?: number;
  /** Smoothing constant α of the running average of g² (default 0.99). */
  alpha?: number;
  /** ε added to the root (default 1e-8). */
  eps?: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
  /** Momentum μ applied to the normalised step (default 0). */
  momentum?: number;
  /** Centered: divide by the estimated standard deviation √(E[g²] − E[g]²) instead of the RMS (default false). */
  centered?: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** The numbers of one RMSprop update. */
export type RMSpropHyper = {
  readonly lr: number;
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly maximize: boolean;
};

/**
 * RMSprop's update, as `torch.optim.RMSprop`:
 * g ← ±∇ + λw; s ← αs + (1 − α)g²; centered: ḡ ← αḡ + (1 − α)g, r ← √(s − ḡ²), else r ← √s;
 * with momentum b ← μb + g/(r + ε), w ← w − ηb; without, w ← w − η·g/(r + ε).
 */
export const rmspropUpdate: UpdateRule<RMSpropHyper> = {
  name: 'rmsprop',
  apply({ param, grad, state }, h) {
    const c = (v: number) => scalarLike(param, v);
    const g = decayedGradient(param, grad, h.maximize, h.weightDecay);
    const out: Record<string, Tensor> = {};
    const squareAvg = state.squareAvg.mul(c(h.alpha)).add(g.mul(g).mul(c(1 - h.alpha)));
    out.squareAvg = squareAvg;
    let avg: Tensor;
    if (h.centered) {
      const gradAvg = state.gradAvg.mul(c(h.alpha)).add(g.mul(c(1 - h.alpha)));
      out.gradAvg = gradAvg;
      avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
    } else {
      avg = squareAvg.sqrt();
    }
    avg = avg.add(c(h.eps));
    if (h.momentum > 0) {
      const buf = state.momentumBuffer.mul(c(h.momentum)).add(g.div(avg));
      out.momentumBuffer = buf;
      return { param: param.sub(buf.mul(c(h.lr))), state: out };
    }
    return { param: param.sub(g.div(avg).mul(c(h.lr))), state: out };
  },
};

/**
 * RMSprop (Hinton): steps divided by a running RMS of the gradient, with
 * the centered variant and momentum, matching `torch.optim.RMSprop` step for
 * step.
 *
 * @example
 * ```ts
 * const opt = new RMSprop(model.parameters(), { lr: 1e-3, centered: true, momentum: 0.9 });
 * ```
 */
export class RMSprop extends ElementwiseOptimizer<RMSpropOptions, RMSpropHyper> {
  protected readonly rule = rmspropUpdate;

  /** Builds the optimizer over tensors or parameter groups. */
  constructor(params: ParamsInput<RMSpropOptions>, options: RMSpropOptions = {}) {
    super('RMSprop', params, {
      lr: options.lr ?? 1e-2,
      alpha: options.alpha ?? 0.99,
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? 0,
      momentum: options.momentum ?? 0,
      centered: options.centered ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected validateOptions(o: Required<RMSpropOptions>, where: string): void {
    checkNonNegative(this.name, `lr (${where})`, o.lr);
    checkNonNegative(this.name, `alpha (${where})`, o.alpha);
    checkNonNegative(this.name, `eps (${where})`, o.eps);
    checkNonNegative(this.name, `weightDecay (${where})`, o.weightDecay);
    checkNonNegative(this.name, `momentum (${where})`, o.momentum);
    checkBoolean(this.name, `centered (${where})`, o.centered);
    checkBoolean(this.name, `maximize (${where})`, o.maximize);
  }

  protected initState(p: Tensor): ParamState {
    return { step: 0, squareAvg: stateZeros(p) };
  }

  protected hyper(g: ParamGroup<RMSpropOptions>, s: ParamState): RMSpropHyper {
    s.step = (s.step as number) + 1;
    // buffers appear when an option turns on (PyTorch creates them at the first step)
    if (g.momentum > 0 && s.momentumBuffer === undefined) s.momentumBuffer = stateZeros(s.squareAvg as Tensor);
    if (g.centered && s.gradAvg === undefined) s.gradAvg = stateZeros(s.squareAvg as Tensor);
    return { lr: g.lr, alpha: g.alpha, eps: g.eps, weightDecay: g.weightDecay, momentum: g.momentum, centered: g.centered, maximize: g.maximize };
  }
}
