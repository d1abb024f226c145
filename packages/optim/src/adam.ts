import { runKernel, type Tensor } from '@webgrad/core-tensor';
import './adam-update-kernel.js';
import { ElementwiseOptimizer, stateZeros } from './elementwise-optimizer.js';
import { checkBetas, checkBoolean, checkNonNegative } from './option-checks.js';
import type { OptimizerOptions, ParamGroup, ParamsInput } from './optimizer.js';
import type { ParamState } from './optimizer-state.js';
import { decayedGradient, scalarLike, type UpdateRule } from './update-rule.js';

/** Options of `Adam` and `AdamW` (PyTorch's names, camelCase). */
export interface AdamOptions extends OptimizerOptions {
  /** Learning rate η (default 1e-3). */
  lr?: number;
  /** Decay rates (β₁, β₂) of the first and second moment estimates (default [0.9, 0.999]). */
  betas?: [number, number];
  /** ε added to √v̂ in the denominator (default 1e-8). */
  eps?: number;
  /** Weight decay λ: an L2 term added to the gradient for Adam, decoupled decay w ← w(1 − ηλ) for AdamW (defaults 0 and 1e-2). */
  weightDecay?: number;
  /** AMSGrad: divide by the running maximum of the second moments (default false). */
  amsgrad?: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** The numbers of one Adam/AdamW update. */
export type AdamHyper = {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** AdamW's decoupled decay instead of Adam's L2 term. */
  readonly decoupled: boolean;
  readonly amsgrad: boolean;
  readonly maximize: boolean;
  /** The step number t, from 1. */
  readonly step: number;
};

/**
 * Adam's update, as `torch.optim.Adam` / `AdamW`:
 * g ← ±∇ (+ λw for Adam; AdamW first scales w ← w(1 − ηλ));
 * m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; with AMSGrad v_max ← max(v_max, v);
 * w ← w − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
 * `apply` composes tensor ops; `kernel` is the same update as one fused
 * kernel op (`adamUpdate`, CPU — 128-bit SIMD for float32 on the WebAssembly
 * path — and WebGPU), which the optimizers use wherever the backend has it.
 */
export const adamUpdate: UpdateRule<AdamHyper> = {
  name: 'adam',
  apply({ param, grad, state }, h) {
    const c = (v: number) => scalarLike(param, v);
    const g = decayedGradient(param, grad, h.maximize, h.decoupled ? 0 : h.weightDecay);
    const w = h.decoupled ? param.mul(c(1 - h.lr * h.weightDecay)) : param;
    const m = state.expAvg.mul(c(h.beta1)).add(g.mul(c(1 - h.beta1)));
    const v = state.expAvgSq.mul(c(h.beta2)).add(g.mul(g).mul(c(1 - h.beta2)));
    const bc1 = 1 - h.beta1 ** h.step;
    const bc2Sqrt = Math.sqrt(1 - h.beta2 ** h.step);
    const out: Record<string, Tensor> = { expAvg: m, expAvgSq: v };
    let second = v;
    if (h.amsgrad) {
      second = state.maxExpAvgSq.maximum(v);
      out.maxExpAvgSq = second;
    }
    const denom = second.sqrt().div(c(bc2Sqrt)).add(c(h.eps));
    return { param: w.sub(m.div(denom).mul(c(h.lr / bc1))), state: out };
  },
  kernel: {
    op: 'adamUpdate',
    run({ param, grad, state }, h) {
      const inputs = [param, grad, state.expAvg!, state.expAvgSq!];
      if (h.amsgrad) inputs.push(state.maxExpAvgSq!);
      const [p, m, v, vMax] = runKernel('adamUpdate', inputs, {
        lr: h.lr,
        beta1: h.beta1,
        beta2: h.beta2,
        eps: h.eps,
        weightDecay: h.weightDecay,
        decoupled: h.decoupled,
        amsgrad: h.amsgrad,
        maximize: h.maximize,
        stepSize: h.lr / (1 - h.beta1 ** h.step),
        bc2Sqrt: Math.sqrt(1 - h.beta2 ** h.step),
      });
      const out: Record<string, Tensor> = { expAvg: m!, expAvgSq: v! };
      if (h.amsgrad) out.maxExpAvgSq = vMax!;
      return { param: p!, state: out };
    },
  },
};

/**
 * Adam (Kingma & Ba) with bias correction, optional AMSGrad, L2 weight decay
 * and maximize, matching `torch.optim.Adam` step for step.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3, amsgrad: true });
 * ```
 */
export class Adam extends ElementwiseOptimizer<AdamOptions, AdamHyper> {
  protected readonly rule = adamUpdate;
  /** The name errors use; AdamW overrides it. */
  protected static readonly optimizerName: string = 'Adam';
  /** Whether weight decay is decoupled (AdamW, default λ = 1e-2) rather than an L2 term (Adam, default 0). */
  protected static readonly decoupledWeightDecay: boolean = false;
  /** This instance's `decoupledWeightDecay`. */
  protected readonly decoupled: boolean;

  /** Builds the optimizer over tensors or parameter groups. */
  constructor(params: ParamsInput<AdamOptions>, options: AdamOptions = {}) {
    const kind = new.target as unknown as typeof Adam;
    super(kind.optimizerName, params, {
      lr: options.lr ?? 1e-3,
      betas: options.betas ? [options.betas[0], options.betas[1]] : [0.9, 0.999],
      eps: options.eps ?? 1e-8,
      weightDecay: options.weightDecay ?? (kind.decoupledWeightDecay ? 1e-2 : 0),
      amsgrad: options.amsgrad ?? false,
      maximize: options.maximize ?? false,
    });
    this.decoupled = kind.decoupledWeightDecay;
  }

  protected validateOptions(o: Required<AdamOptions>, where: string): void {
    checkNonNegative(this.name, `lr (${where})`, o.lr);
    checkNonNegative(this.name, `eps (${where})`, o.eps);
    checkBetas(this.name, where, o.betas);
    checkNonNegative(this.name, `weightDecay (${where})`, o.weightDecay);
    checkBoolean(this.name, `amsgrad (${where})`, o.amsgrad);
    checkBoolean(this.name, `maximize (${where})`, o.maximize);
  }

  protected initState(p: Tensor, g: ParamGroup<AdamOptions>): ParamState {
    const s: ParamState = { step: 0, expAvg: stateZeros(p), expAvgSq: stateZeros(p) };
    if (g.amsgrad) s.maxExpAvgSq = stateZeros(p);
    return s;
  }

  protected hyper(g: ParamGroup<AdamOptions>, s: ParamState): AdamHyper {
    s.step = (s.step as number) + 1;
    if (g.amsgrad && s.maxExpAvgSq === undefined) s.maxExpAvgSq = stateZeros(s.expAvg as Tensor);
    return {
      lr: g.lr,
      beta1: g.betas[0],
      beta2: g.betas[1],
      eps: g.eps,
      weightDecay: g.weightDecay,
      decoupled: this.decoupled,
      amsgrad: g.amsgrad,
      maximize: g.maximize,
      step: s.step,
    };
  }
}

/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay
 * w ← w(1 − ηλ) applied before the moment update, default λ = 1e-2, matching
 * `torch.optim.AdamW` step for step.
 *
 * @example
 * ```ts
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 * ```
 */
export class AdamW extends Adam {
  protected static override readonly optimizerName: string = 'AdamW';
  protected static override readonly decoupledWeightDecay: boolean = true;
}
