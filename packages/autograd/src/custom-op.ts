import { isGradEnabled, Tensor, WebgradError, type KernelAttrs } from '@webgrad/core-tensor';
import type { GradientContext } from './graph-node.js';
import { noGrad } from './grad-mode.js';
import { recordOp } from './recorder.js';

/** A user-defined differentiable op. */
export interface CustomOpDef {
  /** A name used in error messages and the graph. */
  name?: string;
  /** Computes the output from the inputs (runs without recording). */
  forward: (...inputs: Tensor[]) => Tensor;
  /**
   * Gradients of the inputs from the output gradient; `ctx.inputs` are the
   * inputs and `ctx.outputs[0]` the output.
   */
  backward: (gradOutput: Tensor, ctx: { inputs: readonly Tensor[]; output: Tensor }) => readonly (Tensor | null)[];
}

/**
 * Wraps a forward/backward pair as a differentiable function
 * (`torch.autograd.Function`).
 *
 * @example
 * ```ts
 * const square = customOp({
 *   forward: (x) => x.mul(x),
 *   backward: (g, { inputs: [x] }) => [g.mul(x!).mul(2)],
 * });
 * ```
 */
export function customOp(def: CustomOpDef): (...inputs: Tensor[]) => Tensor {
  const name = def.name ?? 'customOp';
  return (...inputs: Tensor[]) => {
    let out = noGrad(() => def.forward(...inputs));
    if (!(out instanceof Tensor)) throw new WebgradError(name, 'forward must return a tensor');
    // a forward that returns an input unchanged must not turn that input into this op's output
    if (inputs.includes(out)) out = out.detach();
    if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
      const attrs: KernelAttrs = {};
      recordOp(name, inputs, [out], attrs, (grads, ctx: GradientContext) => {
        const r = def.backward(grads[0]!, { inputs: ctx.inputs as Tensor[], output: out });
        if (r.length !== inputs.length) throw new WebgradError(name, `backward returned ${r.length} gradients for ${inputs.length} inputs`);
        return r;
      });
    }
    return out;
  };
}
