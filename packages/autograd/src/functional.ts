import { isGradEnabled, makeView, onesLike, shapesEqual, tidy, Tensor, WebgradError, zerosLike, fmtShape } from '@webgrad/core-tensor';
import { runBackward } from './backward.js';
import type { GradNode } from './graph-node.js';
import { nonDifferentiableError } from './recorder.js';

/** Options of `gradients`. */
export interface GradientsOptions {
  /** Gradients of the outputs (default ones, for one-element outputs). */
  gradOutputs?: readonly Tensor[];
  /** Keep the graph for another backward pass. */
  retainGraph?: boolean;
  /** Record the computation of the gradients (for higher-order derivatives). */
  createGraph?: boolean;
  /** Return zeros instead of throwing for inputs the outputs do not depend on. */
  allowUnused?: boolean;
}

/**
 * The gradients of `outputs` with respect to `inputs`, without touching any
 * `.grad` (`torch.autograd.grad`).
 */
export function gradients(outputs: Tensor | readonly Tensor[], inputs: readonly Tensor[], options: GradientsOptions = {}): Tensor[] {
  const outs = outputs instanceof Tensor ? [outputs] : outputs;
  for (const o of outs) {
    const notFloat = nonDifferentiableError('gradients', o);
    if (notFloat) throw notFloat;
  }
  (options.gradOutputs ?? []).forEach((g, i) => {
    if (!shapesEqual(g.shape, outs[i]!.shape)) throw new WebgradError('gradients', `gradOutputs[${i}] has shape ${fmtShape(g.shape)}, output has ${fmtShape(outs[i]!.shape)}`);
  });
  if (options.gradOutputs === undefined) {
    outs.forEach((o) => {
      if (o.size !== 1) throw new WebgradError('gradients', `grad can be implicitly created only for one-element outputs, got shape ${fmtShape(o.shape)}`);
    });
  }
  inputs.forEach((x, i) => {
    const notFloat = nonDifferentiableError('gradients', x);
    if (notFloat) throw notFloat;
    if (!x.requiresGrad) throw new WebgradError('gradients', `input ${i} of shape ${fmtShape(x.shape)} does not require grad`);
  });
  // one scope: the seeds of ones are freed with the pass, only the gradients survive
  return tidy(() => {
    const gos = options.gradOutputs ?? outs.map((o) => onesLike(o));
    const { inputGrads } = runBackward(outs, gos, inputs, options);
    return inputGrads.map((g, i) => {
      if (g) return g;
      if (options.allowUnused) return zerosLike(inputs[i]!);
      throw new WebgradError('gradients', `input ${i} was not used to compute the outputs (pass allowUnused: true to get zeros)`);
    });
  });
}

/** Options of `grad` and `valueAndGrad`. */
export interface GradOptions {
  /** Which arguments to differentiate with respect to (default all). */
  argnums?: number | readonly number[];
}

/**
 * A new argument for a differentiated function: a view of `x` that requires
 * grad and, when `x` itself requires grad (an enclosing `grad`), stays
 * connected to it so the derivative can be differentiated again.
 */
function differentiableArg(x: Tensor): Tensor {
  if (x.requiresGrad && isGradEnabled()) return makeView('identity', x, x.shape);
  return x.detach().requiresGrad_(true);
}

/** True when `y`'s graph reaches a leaf that requires grad other than `own`. */
function dependsOnOtherLeaves(y: Tensor, own: ReadonlySet<Tensor>): boolean {
  const seen = new Set<GradNode>();
  const stack: GradNode[] = [];
  const visit = (t: Tensor): boolean => {
    if (!t.requiresGrad) return false;
    if (t.gradNode === null) return !own.has(t.leafTarget ?? t);
    const node = t.gradNode as unknown as GradNode;
    if (!seen.has(node)) {
      seen.add(node);
      stack.push(node);
    }
    return false;
  };
  if (visit(y)) return true;
  while (stack.length > 0) for (const t of stack.pop()!.inputs) if (visit(t)) return true;
  return false;
}

function argIndices(n: number, argnums: number | readonly number[] | undefined): number[] {
  if (argnums === undefined) return Array.from({ length: n }, (_, i) => i);
  return typeof argnums === 'number' ? [argnums] : argnums.slice();
}

/**
 * `valueAndGrad(f)(...args)` returns `[f(...args), gradients]`, the gradient
 * of the scalar output with respect to each differentiated argument. Nested
 * calls give higher derivatives. `f` runs in a `tidy` scope, as the backward
 * pass does: every tensor it creates and does not return (or `keep`) is freed,
 * and only the value and the gradients survive the call.
 */
export function valueAndGrad(f: (...args: Tensor[]) => Tensor, options: GradOptions = {}): (...args: Tensor[]) => [Tensor, Tensor[]] {
  return (...args: Tensor[]) => tidy(() => differentiate(f, options, args));
}

/**
 * `grad(f)(...args)` returns the gradients of the scalar `f` with respect to
 * its arguments (one tensor per differentiated argument). `f` runs in a
 * `tidy` scope: only the gradients survive the call.
 *
 * @example
 * ```ts
 * const f = (x: Tensor) => x.pow(3).sum();
 * const d3 = grad((x) => grad((y) => grad(f)(y)[0]!.sum())(x)[0]!.sum())(tensor([2]));
 * // d³(x³)/dx³ = 6
 * ```
 */
export function grad(f: (...args: Tensor[]) => Tensor, options: GradOptions = {}): (...args: Tensor[]) => Tensor[] {
  return (...args: Tensor[]) => tidy(() => differentiate(f, options, args)[1]);
}

/** `valueAndGrad(f)(...args)`, run inside the caller's scope. */
function differentiate(f: (...args: Tensor[]) => Tensor, options: GradOptions, args: readonly Tensor[]): [Tensor, Tensor[]] {
  const idx = argIndices(args.length, options.argnums);
  const xs = args.slice();
  for (const i of idx) xs[i] = differentiableArg(args[i]!);
  const y = f(...xs);
  if (!(y instanceof Tensor) || y.size !== 1) {
    throw new WebgradError('grad', `the function must return a one-element tensor, got ${y instanceof Tensor ? `shape ${fmtShape(y.shape)}` : typeof y}`);
  }
  const notFloat = nonDifferentiableError('grad', y);
  if (notFloat) throw notFloat;
  if (!y.requiresGrad) return [y, idx.map((i) => zerosLike(args[i]!))];
  // the gradient is itself differentiated when an enclosing grad watches an
  // argument, or when f closes over a tensor that requires grad
  const outer = isGradEnabled() && (idx.some((i) => args[i]!.requiresGrad) || dependsOnOtherLeaves(y, new Set(idx.map((i) => xs[i]!))));
  const gs = gradients(y, idx.map((i) => xs[i]!), { createGraph: outer, retainGraph: outer, allowUnused: true });
  return [y, gs];
}
