import type { Tensor } from '@webgrad/core-tensor';
import { dot, maxAbs } from './flat-params.js';
import { readNumber, type HostProgram, type HostRequest } from './host-read.js';

/** Evaluates the objective at x + t·d: its value and flat gradient there (parameters are restored afterwards). */
export type DirectionalObjective = (t: number, d: Tensor) => HostProgram<[number, Tensor]>;

/** Constants of the strong-Wolfe line search (PyTorch's defaults). */
export interface StrongWolfeOptions {
  /** Sufficient-decrease constant c₁ (default 1e-4). */
  c1?: number;
  /** Curvature constant c₂ (default 0.9). */
  c2?: number;
  /** Stop when the bracket is shorter than this (times max|d|) (default 1e-9). */
  toleranceChange?: number;
  /** Maximum number of evaluations (default 25). */
  maxLs?: number;
}

/** What the line search found. */
export interface StrongWolfeResult {
  /** The objective at the accepted step. */
  f: number;
  /** The flat gradient at the accepted step. */
  g: Tensor;
  /** The accepted step length. */
  t: number;
  /** How many times the objective was evaluated. */
  evaluations: number;
}

/**
 * The minimiser of the cubic through (x₁, f₁, g₁) and (x₂, f₂, g₂), clamped
 * to `bounds` (default the interval between x₁ and x₂); the midpoint when
 * the cubic has no minimum. PyTorch's `_cubic_interpolate`.
 */
export function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

/**
 * The line search of PyTorch's LBFGS (`_strong_wolfe`, after minFunc): find
 * t along the descent direction d with f(x + td) ≤ f + c₁t·gᵀd and
 * |∇f(x + td)ᵀd| ≤ −c₂·gᵀd, first bracketing by cubic extrapolation, then
 * zooming by cubic interpolation with safeguards. Step for step the same
 * decisions as PyTorch.
 *
 * @param obj - evaluates f and ∇f at x + t·d.
 * @param t - the first trial step.
 * @param d - the search direction.
 * @param f - f(x).
 * @param g - ∇f(x) (not disposed; may be returned as the result's `g`).
 * @param gtd - gᵀd (negative for a descent direction).
 */
export function* strongWolfe(
  obj: DirectionalObjective,
  t: number,
  d: Tensor,
  f: number,
  g: Tensor,
  gtd: number,
  options: StrongWolfeOptions = {},
): Generator<HostRequest, StrongWolfeResult, unknown> {
  const c1 = options.c1 ?? 1e-4;
  const c2 = options.c2 ?? 0.9;
  const toleranceChange = options.toleranceChange ?? 1e-9;
  const maxLs = options.maxLs ?? 25;
  const produced: Tensor[] = [];
  const evaluate = function* (step: number): Generator<HostRequest, [number, Tensor, number], unknown> {
    const [fv, gv] = yield* obj(step, d);
    produced.push(gv);
    return [fv, gv, yield* readNumber(dot(gv, d))];
  };
  const dNorm = yield* readNumber(maxAbs(d));
  let [fNew, gNew, gtdNew] = yield* evaluate(t);
  let evaluations = 1;
  let tPrev = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Tensor[] = [];
  let bracketGtd: number[] = [];
  // bracketing phase
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew;
    gtdPrev = gtdNew;
    [fNew, gNew, gtdNew] = yield* evaluate(t);
    evaluations++;
    lsIter++;
  }
  if (lsIter === maxLs) [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];

  // zoom phase
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
    const bMax = Math.max(bracket[0], bracket[1]);
    const bMin = Math.min(bracket[0], bracket[1]);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      // too close to an end: move away from it unless the last step made progress
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    [fNew, gNew, gtdNew] = yield* evaluate(t);
    evaluations++;
    lsIter++;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]) {
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew;
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true;
      } else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0) {
        bracket[highPos] = bracket[lowPos];
        bracketF[highPos] = bracketF[lowPos];
        bracketG[highPos] = bracketG[lowPos];
        bracketGtd[highPos] = bracketGtd[lowPos];
      }
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew;
      bracketGtd[lowPos] = gtdNew;
    }
  }
  const best = bracketG[lowPos];
  for (const gv of produced) if (gv !== best) gv.dispose();
  return { f: bracketF[lowPos], g: best, t: bracket[lowPos], evaluations };
}
