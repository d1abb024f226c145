import { ShapeError, Tensor, detach, fmtShape, keep, shapesEqual, tidy, zerosLike, full } from '@webgrad/core-tensor';
import { enableGrad, noGrad } from '@webgrad/autograd';
import { Optimizer, type Closure, type OptimizerOptions, type ParamGroup } from './optimizer.js';
import type { ParamState } from './optimizer-state.js';
import { runUpdate, type UpdateHyper, type UpdateRule } from './update-rule.js';

/**
 * An optimizer whose step updates each parameter tensor on its own from its
 * gradient and its state (every optimizer here except LBFGS and Newton).
 * The math is the `rule`; this class keeps the state, computes the
 * host-side numbers (`hyper`) and applies the result without recording, in
 * place (`assign_`), inside `tidy` so nothing leaks.
 */
export abstract class ElementwiseOptimizer<O extends OptimizerOptions, H extends UpdateHyper> extends Optimizer<O> {
  /** The per-parameter update (swappable for a fused kernel per backend). */
  protected abstract readonly rule: UpdateRule<H>;

  /** Creates a parameter's state at its first step (tensors must be `keep`-ed). */
  protected abstract initState(param: Tensor, group: ParamGroup<O>): ParamState;

  /** The numbers of this step for one parameter; advances its step counter. */
  protected abstract hyper(group: ParamGroup<O>, state: ParamState): H;

  /**
   * Updates every parameter that has a gradient. `closure`, if given, is
   * evaluated first with gradients enabled and its loss returned.
   */
  step(closure?: Closure): Tensor | number | undefined {
    const loss = closure === undefined ? undefined : enableGrad(closure);
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) if (p.grad !== null) this.updateParam(p, p.grad, group);
      }
    });
    return loss;
  }

  private updateParam(p: Tensor, grad: Tensor, group: ParamGroup<O>): void {
    let state = this.state.get(p);
    if (state === undefined) {
      state = this.initState(p, group);
      this.state.set(p, state);
    }
    const hyper = this.hyper(group, state);
    const s = state;
    tidy(() => {
      const tensors: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(s)) if (v instanceof Tensor) tensors[k] = v;
      const out = runUpdate(this.rule, { param: p, grad, state: tensors }, hyper);
      p.assign_(out.param);
      for (const [k, t] of Object.entries(out.state)) {
        const cur = s[k];
        if (cur instanceof Tensor) cur.assign_(t);
        else s[k] = keep(detach(t));
      }
    });
  }

  /** State tensors of an elementwise optimizer have their parameter's shape. */
  protected override checkLoadedState(param: Tensor, state: ParamState): void {
    for (const [k, v] of Object.entries(state)) {
      if (v instanceof Tensor && !shapesEqual(v.shape, param.shape)) {
        throw new ShapeError(this.name, `loaded state '${k}' has shape ${fmtShape(v.shape)}, its parameter has ${fmtShape(param.shape)}`);
      }
    }
  }
}

/** A kept tensor of zeros shaped like `p` (state that outlives the step's `tidy`). */
export function stateZeros(p: Tensor): Tensor {
  return keep(zerosLike(p));
}

/** A kept tensor shaped like `p` filled with `value`. */
export function stateFull(p: Tensor, value: number): Tensor {
  return keep(full(p.shape.slice(), value, { dtype: p.dtype, backend: p.backend.name }));
}
