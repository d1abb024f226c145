import { ArgumentError, Tensor } from '@webgrad/core-tensor';
import { checkChoice, checkInteger, checkNonNegative, perGroup } from './option-checks.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';
import type { Scheduler, SchedulerStateDict } from './lr-scheduler.js';

/** Options of `ReduceLROnPlateau` (PyTorch's names, camelCase). */
export interface ReduceLROnPlateauOptions {
  /** `'min'`: the metric should fall (a loss); `'max'`: rise (an accuracy) (default `'min'`). */
  mode?: 'min' | 'max';
  /** The rate is multiplied by this factor α < 1 on a plateau (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** How much better counts as better (default 1e-4). */
  threshold?: number;
  /** `'rel'`: better than best·(1 ∓ threshold); `'abs'`: better than best ∓ threshold (default `'rel'`). */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound of the rate, one for all groups or one per group (default 0). */
  minLr?: number | number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

/**
 * The course's rule "train at a fixed η until the loss stagnates, then
 * η ← αη", as PyTorch's `ReduceLROnPlateau`: after more than `patience`
 * epochs without the metric improving by `threshold`, every group's rate is
 * multiplied by `factor` (not below `minLr`), then `cooldown` epochs pass
 * before bad epochs count again. Step it with the metric once per epoch.
 *
 * @example
 * ```ts
 * const sched = new ReduceLROnPlateau(opt, { factor: 0.5, patience: 3 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(validationLoss()); }
 * ```
 */
export class ReduceLROnPlateau implements Scheduler {
  /** The optimizer whose rates are reduced. */
  readonly optimizer: Optimizer<OptimizerOptions>;
  /** `'min'` or `'max'`. */
  mode: 'min' | 'max';
  /** The reduction factor α. */
  factor: number;
  /** Bad epochs tolerated. */
  patience: number;
  /** Improvement threshold. */
  threshold: number;
  /** `'rel'` or `'abs'`. */
  thresholdMode: 'rel' | 'abs';
  /** Epochs of cooldown after a reduction. */
  cooldown: number;
  /** Per-group lower bounds. */
  minLrs: number[];
  /** Smallest reduction applied. */
  eps: number;
  /** The best metric so far (±∞ before the first step). */
  best: number;
  /** Bad epochs since the last improvement (or reduction). */
  numBadEpochs = 0;
  /** Cooldown epochs left. */
  cooldownCounter = 0;
  /** Epochs stepped. */
  lastEpoch = 0;
  private lastLr: number[];

  /** Attaches the schedule to `optimizer`. */
  constructor(optimizer: Optimizer<OptimizerOptions>, options: ReduceLROnPlateauOptions = {}) {
    const op = 'ReduceLROnPlateau';
    if (!(optimizer instanceof Optimizer)) throw new ArgumentError(op, 'expected an Optimizer');
    this.optimizer = optimizer;
    this.factor = options.factor ?? 0.1;
    if (!(this.factor < 1) || !(this.factor >= 0)) throw new ArgumentError(op, `factor should be in [0, 1), got ${this.factor}`);
    this.mode = options.mode ?? 'min';
    checkChoice(op, 'mode', this.mode, ['min', 'max']);
    this.thresholdMode = options.thresholdMode ?? 'rel';
    checkChoice(op, 'thresholdMode', this.thresholdMode, ['rel', 'abs']);
    this.patience = options.patience ?? 10;
    checkInteger(op, 'patience', this.patience, 0);
    this.threshold = options.threshold ?? 1e-4;
    checkNonNegative(op, 'threshold', this.threshold);
    this.cooldown = options.cooldown ?? 0;
    checkInteger(op, 'cooldown', this.cooldown, 0);
    this.minLrs = perGroup(op, 'minLr', options.minLr ?? 0, optimizer.paramGroups.length);
    this.eps = options.eps ?? 1e-8;
    checkNonNegative(op, 'eps', this.eps);
    this.best = this.modeWorse();
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * Records this epoch's metric (a number, or a one-element tensor read
   * synchronously, so on the CPU; on WebGPU pass `await loss.itemAsync()`)
   * and reduces the rates if it has plateaued.
   */
  step(metric?: number | Tensor): void {
    if (metric === undefined) throw new ArgumentError('ReduceLROnPlateau', 'step needs the metric (e.g. the validation loss)');
    const current = metric instanceof Tensor ? metric.item() : Number(metric);
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** True during the cooldown after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether `a` is better than `best` by the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** The learning rates after the last step, one per group. */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /** The schedule's state as JSON (`best` is null while still ±∞). */
  stateDict(): SchedulerStateDict {
    return {
      mode: this.mode,
      factor: this.factor,
      patience: this.patience,
      threshold: this.threshold,
      thresholdMode: this.thresholdMode,
      cooldown: this.cooldown,
      minLrs: this.minLrs.slice(),
      eps: this.eps,
      best: Number.isFinite(this.best) ? this.best : null,
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.lastEpoch,
      lastLr: this.lastLr.slice(),
    };
  }

  /** Restores a state saved by `stateDict`. */
  loadStateDict(state: SchedulerStateDict): void {
    const s = state as unknown as ReturnType<ReduceLROnPlateau['stateDict']> & Record<string, unknown>;
    Object.assign(this, {
      mode: s.mode,
      factor: s.factor,
      patience: s.patience,
      threshold: s.threshold,
      thresholdMode: s.thresholdMode,
      cooldown: s.cooldown,
      minLrs: (s.minLrs as number[]).slice(),
      eps: s.eps,
      numBadEpochs: s.numBadEpochs,
      cooldownCounter: s.cooldownCounter,
      lastEpoch: s.lastEpoch,
      lastLr: (s.lastLr as number[]).slice(),
    });
    this.best = s.best === null ? this.modeWorse() : (s.best as number);
  }

  private modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const oldLr = g.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]);
      if (oldLr - newLr > this.eps) g.lr = newLr;
    });
  }
}
