import { ArgumentError, Tensor, WebgradError, concat, reshape, stack, tensor, tidy, zeros, type TypedArray } from '@webgrad/core-tensor';
import { enableGrad, gradients } from '@webgrad/autograd';
import { cholesky, choleskySolve } from './cholesky.js';
import { addToParams, numelOf, restoreParams, snapshotParams } from './flat-params.js';
import { evaluateClosure, readValues, requireClosure, runHostProgram, runHostProgramAsync, type AsyncClosure, type HostProgram } from './host-read.js';
import { checkChoice, checkInteger, checkInterval, checkNonNegative } from './option-checks.js';
import { Optimizer, type Closure, type OptimizerOptions, type ParamGroupInput, type ParamsInput } from './optimizer.js';

/** Options of `Newton`. */
export interface NewtonOptions extends OptimizerOptions {
  /** The first step length tried along the Newton direction (default 1, the full Newton step). */
  lr?: number;
  /** Damping λ ≥ 0: solve (H + λI)d = −∇ (default 0). It grows automatically until H + λI is positive definite. */
  damping?: number;
  /** `'backtracking'` (Armijo: shrink the step until f(x + td) ≤ f(x) + c₁t∇ᵀd) or null for a fixed step `lr` (default `'backtracking'`). */
  lineSearch?: 'backtracking' | null;
  /** Armijo's sufficient-decrease constant c₁ (default 1e-4). */
  c1?: number;
  /** Factor ρ the step shrinks by after a rejected trial (default 0.5). */
  shrink?: number;
  /** Maximum trials of the line search (default 30). */
  maxLineSearch?: number;
  /** Newton iterations per `step` (default 1). */
  maxIter?: number;
  /** Stop when max|∇| ≤ this (default 1e-12). */
  toleranceGrad?: number;
}

/**
 * Newton's method on the flat vector of all parameters, for small problems:
 * the exact Hessian H (differentiating the gradient again with autograd, one
 * backward pass per parameter element), the direction d solving
 * (H + τI)d = −∇ by Cholesky, where τ starts at `damping` and doubles (from
 * 1e-8·max(1, max|Hᵢᵢ|)) until H + τI is positive definite so d is a descent
 * direction, then a backtracking line search. On a convex quadratic with
 * damping 0 the first full step lands on the minimum.
 *
 * The closure returns the loss computed from the parameters and must NOT
 * call `backward` (the optimizer differentiates it twice itself). One
 * parameter group only. `step` runs on the CPU; `stepAsync` anywhere.
 *
 * @example
 * ```ts
 * const w = new Parameter(tensor([3, -2]));
 * const opt = new Newton([w]);
 * opt.step(() => w.sub(tensor([1, 1])).square().mul(tensor([1, 10])).sum());
 * // w is now [1, 1]
 * ```
 */
export class Newton extends Optimizer<NewtonOptions> {
  /** Builds the optimizer over one list of tensors. */
  constructor(params: ParamsInput<NewtonOptions>, options: NewtonOptions = {}) {
    super('Newton', params, {
      lr: options.lr ?? 1,
      damping: options.damping ?? 0,
      lineSearch: options.lineSearch === undefined ? 'backtracking' : options.lineSearch,
      c1: options.c1 ?? 1e-4,
      shrink: options.shrink ?? 0.5,
      maxLineSearch: options.maxLineSearch ?? 30,
      maxIter: options.maxIter ?? 1,
      toleranceGrad: options.toleranceGrad ?? 1e-12,
    });
  }

  /** Newton has exactly one parameter group: adding a second is an error. */
  override addParamGroup(group: ParamGroupInput<NewtonOptions>): void {
    if (this.paramGroups.length > 0) throw new ArgumentError(this.name, "Newton doesn't support per-parameter options (parameter groups)");
    super.addParamGroup(group);
  }

  protected validateOptions(o: Required<NewtonOptions>, where: string): void {
    checkNonNegative(this.name, `lr (${where})`, o.lr);
    checkNonNegative(this.name, `damping (${where})`, o.damping);
    checkChoice(this.name, `lineSearch (${where})`, o.lineSearch, ['backtracking', null]);
    checkInterval(this.name, `c1 (${where})`, o.c1, 0, 1, '()');
    checkInterval(this.name, `shrink (${where})`, o.shrink, 0, 1, '()');
    checkInteger(this.name, `maxLineSearch (${where})`, o.maxLineSearch, 1);
    checkInteger(this.name, `maxIter (${where})`, o.maxIter, 1);
    checkNonNegative(this.name, `toleranceGrad (${where})`, o.toleranceGrad);
  }

  /** Runs up to `maxIter` Newton iterations; returns the loss before the step. */
  step(closure?: Closure): Tensor | number {
    const c = requireClosure(this.name, closure);
    return tidy(() => runHostProgram(this.name, this.program(), c));
  }

  /** `step` for any backend: numbers are read with `await`, and the closure may be async. */
  stepAsync(closure: AsyncClosure): Promise<Tensor | number> {
    return runHostProgramAsync(this.program(), requireClosure(this.name, closure));
  }

  private *program(): HostProgram<Tensor | number> {
    const group = this.paramGroups[0];
    const params = group.params;
    const n = numelOf(params);
    let state = this.state.get(params[0]);
    if (state === undefined) {
      state = { nIter: 0, funcEvals: 0 };
      this.state.set(params[0], state);
    }
    let firstLoss: Tensor | number | undefined;
    for (let iter = 0; iter < group.maxIter; iter++) {
      const e = yield* evaluateClosure('graph');
      firstLoss ??= e.result;
      state.funcEvals = (state.funcEvals as number) + 1;
      if (!(e.result instanceof Tensor) || !e.result.requiresGrad) {
        throw new WebgradError(this.name, 'the closure must return the loss as a tensor computed from the parameters (and must not call backward)');
      }
      const [gFlat, hFlat] = gradientAndHessian(e.result, params);
      const g = yield* readValues(gFlat);
      const h = yield* readValues(hFlat);
      if (g.every((v) => Math.abs(v) <= group.toleranceGrad)) break;
      const { direction, damping } = dampedNewtonDirection(this.name, h, g, n, group.damping);
      state.damping = damping;
      const gtd = direction.reduce((acc, v, i) => acc + v * g[i], 0);
      const d = tensor(direction, { dtype: params[0].dtype, backend: params[0].backend.name });
      let t = group.lr;
      let accepted = group.lineSearch === null;
      if (group.lineSearch === null) {
        addToParams(params, t, d);
      } else {
        const x0 = snapshotParams(params);
        for (let k = 0; k < group.maxLineSearch && !accepted; k++) {
          addToParams(params, t, d);
          const trial = yield* evaluateClosure('value');
          state.funcEvals = (state.funcEvals as number) + 1;
          if (trial.result instanceof Tensor) trial.result.dispose();
          if (trial.value <= e.value + group.c1 * t * gtd) accepted = true;
          else {
            restoreParams(params, x0);
            t *= group.shrink;
          }
        }
        for (const x of x0) x.dispose();
      }
      d.dispose();
      state.lastStep = accepted ? t : 0;
      state.nIter = (state.nIter as number) + 1;
      if (!accepted) break;
    }
    return firstLoss!;
  }
}

/**
 * The flat gradient ∇ (length n) and Hessian H (n×n) of `loss` with respect
 * to `params`: ∇ by a backward pass that records itself, then row i of H as
 * the gradient of ∇ᵢ.
 */
function gradientAndHessian(loss: Tensor, params: readonly Tensor[]): [Tensor, Tensor] {
  return enableGrad(() =>
    tidy(() => {
      const flatten = (gs: Tensor[]) => concat(gs.map((g, i) => reshape(g, [params[i].size])), 0);
      const n = numelOf(params);
      const grad = flatten(gradients(loss, params, { createGraph: true, allowUnused: true }));
      const rows: Tensor[] = [];
      for (let i = 0; i < n; i++) {
        const gi = grad.select(0, i);
        rows.push(
          gi.requiresGrad
            ? flatten(gradients(gi, params, { retainGraph: true, allowUnused: true })).detach()
            : zeros([n], { dtype: loss.dtype, backend: loss.backend.name }),
        );
      }
      // one more pass without retaining frees what the graphs saved for backward
      const ends = [grad.sum(), loss].filter((t) => t.requiresGrad);
      gradients(ends, params, { allowUnused: true });
      return [grad.detach(), stack(rows, 0)] as [Tensor, Tensor];
    }),
  );
}

/**
 * Solves (H + τI)d = −g with the smallest τ ≥ `damping` on the doubling
 * ladder that makes H + τI positive definite (H symmetrised first).
 */
export function dampedNewtonDirection(op: string, h: TypedArray, g: TypedArray, n: number, damping: number): { direction: Float64Array; damping: number } {
  const a = new Float64Array(n * n);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) a[i * n + j] = 0.5 * (h[i * n + j] + h[j * n + i]);
    maxDiag = Math.max(maxDiag, Math.abs(a[i * n + i]));
  }
  const floor = 1e-8 * Math.max(1, maxDiag);
  const negG = Float64Array.from(g, (v) => -v);
  let tau = damping;
  for (let attempt = 0; attempt < 200; attempt++) {
    const shifted = a.slice();
    for (let i = 0; i < n; i++) shifted[i * n + i] += tau;
    const l = cholesky(shifted, n);
    if (l !== null) return { direction: choleskySolve(l, negG, n), damping: tau };
    tau = Math.max(2 * tau, floor);
  }
  throw new WebgradError(op, `could not make the Hessian positive definite (damping reached ${tau}); is the loss finite?`);
}
