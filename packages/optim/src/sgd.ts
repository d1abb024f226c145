import { ArgumentError, runKernel, type Tensor } from '@webgrad/core-tensor';
import './sgd-update-kernel.js';
import { ElementwiseOptimizer } from './elementwise-optimizer.js';
import { checkBoolean, checkFinite, checkNonNegative } from './option-checks.js';
import type { OptimizerOptions, ParamGroup, ParamsInput } from './optimizer.js';
import type { ParamState } from './optimizer-state.js';
import { decayedGradient, scalarLike, type UpdateRule } from './update-rule.js';

/** Options of `SGD` (PyTorch's names, camelCase). */
export interface SGDOptions extends OptimizerOptions {
  /** Learning rate η (required in PyTorch; default here 1e-3). */
  lr?: number;
  /** Momentum factor μ (default 0). */
  momentum?: number;
  /** Dampening τ of the momentum's gradient term (default 0). */
  dampening?: number;
  /** L2 penalty λ added to the gradient: g + λw (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0; default false). */
  nesterov?: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize?: boolean;
}

/** The numbers of one SGD update. */
export type SGDHyper = {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;
};

/**
 * SGD's update, as `torch.optim.SGD`:
 * g ← ±∇ + λw; b ← g at the first step, then μb + (1 − τ)g;
 * d ← g + μb (Nesterov) or b; w ← w − ηd.
 * `apply` composes tensor ops; `kernel` is the same update as one fused
 * kernel op (`sgdUpdate`, CPU — 128-bit SIMD for float32 on the WebAssembly
 * path — and WebGPU), which the optimizer uses wherever the backend has it.
 */
export const sgdUpdate: UpdateRule<SGDHyper> = {
  name: 'sgd',
  apply({ param, grad, state }, h) {
    const c = (v: number) => scalarLike(param, v);
    let d = decayedGradient(param, grad, h.maximize, h.weightDecay);
    const out: Record<string, Tensor> = {};
    if (h.momentum !== 0) {
      const prev = state.momentumBuffer;
      const buf = prev === undefined ? d : prev.mul(c(h.momentum)).add(d.mul(c(1 - h.dampening)));
      out.momentumBuffer = buf;
      d = h.nesterov ? d.add(buf.mul(c(h.momentum))) : buf;
    }
    return { param: param.sub(d.mul(c(h.lr))), state: out };
  },
  kernel: {
    op: 'sgdUpdate',
    run({ param, grad, state }, h) {
      const buffer = state.momentumBuffer;
      const inputs = h.momentum !== 0 && buffer !== undefined ? [param, grad, buffer] : [param, grad];
      const [p, b] = runKernel('sgdUpdate', inputs, {
        lr: h.lr,
        momentum: h.momentum,
        dampening: h.dampening,
        weightDecay: h.weightDecay,
        nesterov: h.nesterov,
        maximize: h.maximize,
      });
      const out: Record<string, Tensor> = {};
      if (b !== undefined) out.momentumBuffer = b;
      return { param: p!, state: out };
    },
  },
};

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum,
 * weight decay and maximize, matching `torch.optim.SGD` step for step.
 *
 * @example
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * opt.zeroGrad();
 * loss(model).backward();
 * opt.step();
 * ```
 */
export class SGD extends ElementwiseOptimizer<SGDOptions, SGDHyper> {
  protected readonly rule = sgdUpdate;

  /** Builds the optimizer over tensors or parameter groups. */
  constructor(params: ParamsInput<SGDOptions>, options: SGDOptions = {}) {
    super('SGD', params, {
      lr: options.lr ?? 1e-3,
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      weightDecay: options.weightDecay ?? 0,
      nesterov: options.nesterov ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected validateOptions(o: Required<SGDOptions>, where: string): void {
    checkNonNegative(this.name, `lr (${where})`, o.lr);
    checkNonNegative(this.name, `momentum (${where})`, o.momentum);
    checkFinite(this.name, `dampening (${where})`, o.dampening);
    checkNonNegative(this.name, `weightDecay (${where})`, o.weightDecay);
    checkBoolean(this.name, `nesterov (${where})`, o.nesterov);
    checkBoolean(this.name, `maximize (${where})`, o.maximize);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new ArgumentError(this.name, `Nesterov momentum requires a momentum > 0 and zero dampening (${where}: momentum ${o.momentum}, dampening ${o.dampening})`);
    }
  }

  protected initState(): ParamState {
    return {};
  }

  protected hyper(g: ParamGroup<SGDOptions>): SGDHyper {
    return { lr: g.lr, momentum: g.momentum, dampening: g.dampening, weightDecay: g.weightDecay, nesterov: g.nesterov, maximize: g.maximize };
  }
}
