import { ArgumentError, ShapeError, Tensor, detach, fmtShape, keep, tidy } from '@webgrad/core-tensor';
import { addToParams, dot, gatherFlatGrad, maxAbs, numelOf, restoreParams, snapshotParams } from './flat-params.js';
import { evaluateClosure, readNumber, requireClosure, runHostProgram, runHostProgramAsync, type AsyncClosure, type HostProgram } from './host-read.js';
import { checkChoice, checkInteger, checkNonNegative } from './option-checks.js';
import { Optimizer, type Closure, type OptimizerOptions, type ParamGroupInput, type ParamsInput } from './optimizer.js';
import type { ParamState } from './optimizer-state.js';
import { strongWolfe, type DirectionalObjective } from './strong-wolfe.js';
import { scalarLike } from './update-rule.js';

/** Options of `LBFGS` (PyTorch's names, camelCase). */
export interface LBFGSOptions extends OptimizerOptions {
  /** Learning rate: the step length tried along each direction (default 1). */
  lr?: number;
  /** Maximum iterations per `step` (default 20). */
  maxIter?: number;
  /** Maximum closure evaluations per `step` (default ⌊maxIter·5/4⌋). */
  maxEval?: number;
  /** Stop when max|∇| ≤ this (default 1e-7). */
  toleranceGrad?: number;
  /** Stop when a step or loss change falls below this (default 1e-9). */
  toleranceChange?: number;
  /** How many (s, y) pairs to remember (default 100). */
  historySize?: number;
  /** `'strongWolfe'` for PyTorch's strong-Wolfe line search, or null for fixed steps (default null). */
  lineSearchFn?: 'strongWolfe' | null;
}

/**
 * L-BFGS, as `torch.optim.LBFGS` (after minFunc): the two-loop recursion
 * over the last `historySize` pairs sₖ = xₖ₊₁ − xₖ, yₖ = ∇ₖ₊₁ − ∇ₖ (kept
 * when yᵀs > 1e-10) with initial scaling H₀ = yᵀs/yᵀy, then either a fixed
 * step of length `lr` (the first ever step min(1, 1/‖∇‖₁)·lr) or PyTorch's
 * strong-Wolfe line search. One parameter group only; the closure is
 * required and must zero the gradients, compute the loss, call `backward`
 * and return the loss.
 *
 * `step` runs synchronously and needs a backend that reads numbers
 * synchronously (CPU); `stepAsync` works everywhere.
 *
 * @example
 * ```ts
 * const opt = new LBFGS(model.parameters(), { lineSearchFn: 'strongWolfe' });
 * opt.step(() => {
 *   opt.zeroGrad();
 *   const loss = lossOf(model);
 *   loss.backward();
 *   return loss;
 * });
 * ```
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  /** Builds the optimizer over one list of tensors (parameter groups are not supported, as in PyTorch). */
  constructor(params: ParamsInput<LBFGSOptions>, options: LBFGSOptions = {}) {
    const maxIter = options.maxIter ?? 20;
    super('LBFGS', params, {
      lr: options.lr ?? 1,
      maxIter,
      maxEval: options.maxEval ?? Math.floor((maxIter * 5) / 4),
      toleranceGrad: options.toleranceGrad ?? 1e-7,
      toleranceChange: options.toleranceChange ?? 1e-9,
      historySize: options.historySize ?? 100,
      lineSearchFn: options.lineSearchFn ?? null,
    });
  }

  /** LBFGS has exactly one parameter group: adding a second is an error. */
  override addParamGroup(group: ParamGroupInput<LBFGSOptions>): void {
    if (this.paramGroups.length > 0) throw new ArgumentError(this.name, "LBFGS doesn't support per-parameter options (parameter groups)");
    super.addParamGroup(group);
  }

  protected validateOptions(o: Required<LBFGSOptions>, where: string): void {
    checkNonNegative(this.name, `lr (${where})`, o.lr);
    checkInteger(this.name, `maxIter (${where})`, o.maxIter, 1);
    checkInteger(this.name, `maxEval (${where})`, o.maxEval, 1);
    checkNonNegative(this.name, `toleranceGrad (${where})`, o.toleranceGrad);
    checkNonNegative(this.name, `toleranceChange (${where})`, o.toleranceChange);
    checkInteger(this.name, `historySize (${where})`, o.historySize, 1);
    checkChoice(this.name, `lineSearchFn (${where})`, o.lineSearchFn, [null, 'strongWolfe']);
  }

  /**
   * Runs up to `maxIter` L-BFGS iterations; returns the loss of the first
   * closure evaluation (as PyTorch does).
   */
  step(closure?: Closure): Tensor | number {
    const c = requireClosure(this.name, closure);
    return tidy(() => runHostProgram(this.name, this.program(), c));
  }

  /** `step` for any backend: numbers are read with `await`, and the closure may be async. */
  stepAsync(closure: AsyncClosure): Promise<Tensor | number> {
    return runHostProgramAsync(this.program(), requireClosure(this.name, closure));
  }

  /** The history is flat vectors over all parameters. */
  protected override checkLoadedState(_param: Tensor, state: ParamState): void {
    const n = numelOf(this.paramGroups[0].params);
    for (const [k, v] of Object.entries(state)) {
      for (const t of Array.isArray(v) ? v : [v]) {
        if (t instanceof Tensor && (t.rank !== 1 || t.size !== n)) {
          throw new ShapeError(this.name, `loaded state '${k}' has shape ${fmtShape(t.shape)}, expected [${n}] (all parameters, flattened)`);
        }
      }
    }
  }

  private *program(): HostProgram<Tensor | number> {
    const group = this.paramGroups[0];
    const params = group.params;
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn } = group;
    let state = this.state.get(params[0]);
    if (state === undefined) {
      state = { funcEvals: 0, nIter: 0 };
      this.state.set(params[0], state);
    }
    const first = yield* evaluateClosure();
    const origLoss = first.result;
    let loss = first.value;
    let currentEvals = 1;
    state.funcEvals = (state.funcEvals as number) + 1;
    let flatGrad = gatherFlatGrad(params);
    let optCond = (yield* readNumber(maxAbs(flatGrad))) <= toleranceGrad;
    if (optCond) {
      flatGrad.dispose();
      return origLoss;
    }
    let d = state.d as Tensor | undefined;
    let t = state.t as number | undefined;
    let oldDirs = (state.oldDirs ?? []) as Tensor[];
    let oldStps = (state.oldStps ?? []) as Tensor[];
    let ro = (state.ro ?? []) as number[];
    let hDiag = (state.hDiag ?? 1) as number;
    let prevFlatGrad = state.prevFlatGrad as Tensor | undefined;
    let prevLoss = state.prevLoss as number | undefined;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      state.nIter = (state.nIter as number) + 1;
      if (state.nIter === 1) {
        d?.dispose();
        d = keep(flatGrad.neg());
        for (const v of [...oldDirs, ...oldStps]) v.dispose();
        [oldDirs, oldStps, ro, hDiag] = [[], [], [], 1];
      } else {
        const [dPrev, tPrev, gPrev] = [d!, t!, prevFlatGrad!];
        const y = keep(tidy(() => flatGrad.sub(gPrev)));
        const s = keep(tidy(() => dPrev.mul(scalarLike(dPrev, tPrev))));
        const ys = yield* readNumber(dot(y, s));
        if (ys > 1e-10) {
          // the curvature pair is kept only when yᵀs is safely positive
          if (oldDirs.length === historySize) {
            oldDirs.shift()!.dispose();
            oldStps.shift()!.dispose();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(1 / ys);
          hDiag = ys / (yield* readNumber(dot(y, y)));
        } else {
          y.dispose();
          s.dispose();
        }
        const next = keep(twoLoopDirection(flatGrad, oldDirs, oldStps, ro, hDiag));
        dPrev.dispose();
        d = next;
      }
      prevFlatGrad?.dispose();
      prevFlatGrad = keep(detach(flatGrad));
      prevLoss = loss;
      const dir = d;
      t = state.nIter === 1 ? Math.min(1, 1 / (yield* readNumber(tidy(() => flatGrad.abs().sum())))) * lr : lr;
      const gtd = yield* readNumber(dot(flatGrad, dir));
      if (gtd > -toleranceChange) break;

      let lsFuncEvals = 0;
      if (lineSearchFn !== null) {
        const xInit = snapshotParams(params);
        const obj: DirectionalObjective = function* (step, direction) {
          addToParams(params, step, direction);
          const e = yield* evaluateClosure();
          if (e.result instanceof Tensor) e.result.dispose();
          const g = gatherFlatGrad(params);
          restoreParams(params, xInit);
          return [e.value, g];
        };
        const found = yield* strongWolfe(obj, t, dir, loss, flatGrad, gtd);
        for (const x of xInit) x.dispose();
        if (found.g !== flatGrad) flatGrad.dispose();
        [loss, flatGrad, t, lsFuncEvals] = [found.f, found.g, found.t, found.evaluations];
        addToParams(params, t, dir);
        optCond = (yield* readNumber(maxAbs(flatGrad))) <= toleranceGrad;
      } else {
        addToParams(params, t, dir);
        if (nIter !== maxIter) {
          // re-evaluate only if not in the last iteration; in a stochastic setting there is no use re-evaluating
          const e = yield* evaluateClosure();
          if (e.result instanceof Tensor) e.result.dispose();
          loss = e.value;
          flatGrad.dispose();
          flatGrad = gatherFlatGrad(params);
          optCond = (yield* readNumber(maxAbs(flatGrad))) <= toleranceGrad;
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      state.funcEvals = (state.funcEvals as number) + lsFuncEvals;

      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      const stepT = t;
      if ((yield* readNumber(tidy(() => maxAbs(dir.mul(scalarLike(dir, stepT)))))) <= toleranceChange) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }
    flatGrad.dispose();
    Object.assign(state, { d, t, oldDirs, oldStps, ro, hDiag, prevFlatGrad, prevLoss });
    return origLoss;
  }
}

/** The L-BFGS direction −H∇ by the two-loop recursion over the stored pairs. */
function twoLoopDirection(flatGrad: Tensor, oldDirs: readonly Tensor[], oldStps: readonly Tensor[], ro: readonly number[], hDiag: number): Tensor {
  return tidy(() => {
    const c = (v: number) => scalarLike(flatGrad, v);
    const n = oldDirs.length;
    const al: Tensor[] = new Array<Tensor>(n);
    let q = flatGrad.neg();
    for (let i = n - 1; i >= 0; i--) {
      al[i] = dot(oldStps[i], q).mul(c(ro[i]));
      q = q.sub(oldDirs[i].mul(al[i]));
    }
    let r = q.mul(c(hDiag));
    for (let i = 0; i < n; i++) {
      const be = dot(oldDirs[i], r).mul(c(ro[i]));
      r = r.add(oldStps[i].mul(al[i].sub(be)));
    }
    return r;
  });
}
