import { ArgumentError } from '@webgrad/core-tensor';
import { checkBoolean, checkChoice, checkInteger, checkInterval, checkPositive, perGroup } from './option-checks.js';
import type { Optimizer, OptimizerOptions, ParamGroup } from './optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

/** Options of `OneCycleLR` (PyTorch's names, camelCase). */
export interface OneCycleLROptions {
  /** Peak learning rate, one for all groups or one per group. */
  maxLr: number | number[];
  /** Total number of steps in the cycle (or give `epochs` and `stepsPerEpoch`). */
  totalSteps?: number;
  /** Epochs, with `stepsPerEpoch`, when `totalSteps` is not given. */
  epochs?: number;
  /** Steps per epoch, with `epochs`. */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the rate (default 0.3). */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'` annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or Adam's β₁) inversely to the rate (default true). */
  cycleMomentum?: boolean;
  /** Lower momentum (default 0.85), one or per group. */
  baseMomentum?: number | number[];
  /** Upper momentum (default 0.95), one or per group. */
  maxMomentum?: number | number[];
  /** initial rate = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** final rate = initial rate / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, down to the initial rate, then down to the final rate) instead of two (default false). */
  threePhase?: boolean;
  /** Resume from this epoch (default −1: start). */
  lastEpoch?: number;
}

type LrKey = 'initialLr' | 'maxLr' | 'minLr';
type MomentumKey = 'maxMomentum' | 'baseMomentum';

/** One phase of the cycle. */
interface Phase {
  endStep: number;
  startLr: LrKey;
  endLr: LrKey;
  startMomentum: MomentumKey;
  endMomentum: MomentumKey;
}

/**
 * The 1cycle policy (Smith & Topin), as PyTorch's `OneCycleLR`: the rate
 * rises from maxLr/divFactor to maxLr over `pctStart` of the steps, then
 * anneals (cosine or linear) to maxLr/(divFactor·finalDivFactor); momentum
 * (or β₁) moves the opposite way between `maxMomentum` and `baseMomentum`.
 * With `threePhase` the rate first returns to the initial rate
 * symmetrically, then anneals to the final rate. Step it after every batch.
 *
 * @example
 * ```ts
 * const sched = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 1000 });
 * ```
 */
export class OneCycleLR extends LRScheduler {
  /** Steps in the whole cycle. */
  totalSteps: number;
  /** `'cos'` or `'linear'`. */
  annealStrategy: 'cos' | 'linear';
  /** Whether momentum is cycled. */
  cycleMomentum: boolean;
  /** Whether the optimizer's momentum is Adam's β₁ (it has `betas`). */
  useBeta1: boolean;
  /** The phases: where each ends and what it anneals between. */
  private schedulePhases: Phase[];

  /** Attaches the schedule to `optimizer` and sets its groups' rates (and momenta) for step 0. */
  constructor(optimizer: Optimizer<OptimizerOptions>, options: OneCycleLROptions) {
    super(optimizer, options.lastEpoch ?? -1, 'OneCycleLR');
    const op = 'OneCycleLR';
    if (options.totalSteps !== undefined) {
      checkInteger(op, 'totalSteps', options.totalSteps, 1);
      this.totalSteps = options.totalSteps;
    } else if (options.epochs !== undefined || options.stepsPerEpoch !== undefined) {
      checkInteger(op, 'epochs', options.epochs, 1);
      checkInteger(op, 'stepsPerEpoch', options.stepsPerEpoch, 1);
      this.totalSteps = options.epochs! * options.stepsPerEpoch!;
    } else {
      throw new ArgumentError(op, 'you must define either totalSteps OR (epochs AND stepsPerEpoch)');
    }
    const pctStart = options.pctStart ?? 0.3;
    checkInterval(op, 'pctStart', pctStart, 0, 1, '[]');
    this.annealStrategy = options.annealStrategy ?? 'cos';
    checkChoice(op, 'annealStrategy', this.annealStrategy, ['cos', 'linear']);
    const threePhase = options.threePhase ?? false;
    checkBoolean(op, 'threePhase', threePhase);
    const divFactor = options.divFactor ?? 25;
    const finalDivFactor = options.finalDivFactor ?? 1e4;
    checkPositive(op, 'divFactor', divFactor);
    checkPositive(op, 'finalDivFactor', finalDivFactor);
    const total = this.totalSteps;
    this.schedulePhases = threePhase
      ? [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pctStart * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    const groups = this.groups;
    const resume = (options.lastEpoch ?? -1) !== -1;
    const maxLrs = perGroup(op, 'maxLr', options.maxLr, groups.length);
    maxLrs.forEach((m, i) => checkPositive(op, `maxLr[${i}]`, m));
    if (!resume) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = g.initialLr / finalDivFactor;
      });
    }
    this.cycleMomentum = options.cycleMomentum ?? true;
    checkBoolean(op, 'cycleMomentum', this.cycleMomentum);
    const defaults = optimizer.defaults as Record<string, unknown>;
    this.useBeta1 = 'betas' in defaults;
    if (this.cycleMomentum) {
      if (!('momentum' in defaults) && !this.useBeta1) {
        throw new ArgumentError(op, `optimizer must support momentum (momentum or betas) with the cycleMomentum option enabled; ${optimizer.name} has neither`);
      }
      const maxMomenta = perGroup(op, 'maxMomentum', options.maxMomentum ?? 0.95, groups.length);
      const baseMomenta = perGroup(op, 'baseMomentum', options.baseMomentum ?? 0.85, groups.length);
      if (!resume) {
        groups.forEach((g, i) => {
          setMomentum(g, this.useBeta1, maxMomenta[i]);
          g.maxMomentum = maxMomenta[i];
          g.baseMomentum = baseMomenta[i];
        });
      }
    }
    this.baseLrs = groups.map((g) => g.initialLr!);
    this.initialStep();
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new ArgumentError('OneCycleLR', `tried to step ${stepNum + 1} times; the specified number of total steps is ${this.totalSteps}`);
    }
    const anneal = this.annealStrategy === 'cos' ? annealCos : annealLinear;
    return this.groups.map((g) => {
      let startStep = 0;
      let lr = 0;
      for (let i = 0; i < this.schedulePhases.length; i++) {
        const phase = this.schedulePhases[i];
        if (stepNum <= phase.endStep || i === this.schedulePhases.length - 1) {
          const pct = (stepNum - startStep) / (phase.endStep - startStep);
          lr = anneal(g[phase.startLr]!, g[phase.endLr]!, pct);
          if (this.cycleMomentum) setMomentum(g, this.useBeta1, anneal(g[phase.startMomentum]!, g[phase.endMomentum]!, pct));
          break;
        }
        startStep = phase.endStep;
      }
      return lr;
    });
  }
}

/** Cosine anneal from `start` to `end` as pct goes from 0 to 1. */
function annealCos(start: number, end: number, pct: number): number {
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
}

/** Linear anneal from `start` to `end` as pct goes from 0 to 1. */
function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}

/** Sets a group's momentum, or β₁ of Adam-style `betas`. */
function setMomentum(group: ParamGroup<OptimizerOptions>, useBeta1: boolean, value: number): void {
  const g = group as unknown as { momentum?: number; betas?: [number, number] };
  if (useBeta1) g.betas = [value, g.betas![1]];
  else g.momentum = value;
}
