import { ArgumentError } from '@webgrad/core-tensor';
import { Optimizer, type OptimizerOptions, type ParamGroup } from './optimizer.js';

/** A JSON value (what scheduler state dicts hold). */
export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A scheduler's state: its fields as plain JSON (PyTorch's `scheduler.state_dict()`). */
export type SchedulerStateDict = { [key: string]: JsonValue };

/** What every learning-rate schedule offers. */
export interface Scheduler {
  /** Advances the schedule by one step (call after `optimizer.step()`). */
  step(): void;
  /** The learning rates the schedule set last, one per parameter group. */
  getLastLr(): number[];
  /** The schedule's state as JSON. */
  stateDict(): SchedulerStateDict;
  /** Restores a state saved by `stateDict`. */
  loadStateDict(state: SchedulerStateDict): void;
}

/**
 * The base of epoch-indexed schedules, following PyTorch's `_LRScheduler`:
 * on construction every group records `initialLr` (or, when resuming with
 * `lastEpoch ≥ 0`, must already have it), the base learning rates are read
 * from it, and one step is taken so epoch 0's rate is set. `step()`
 * increments `lastEpoch` and applies `getLr()`, the recursive ("chainable")
 * form, which multiplies the group's current rate, so several schedules on
 * one optimizer compose in the order they are stepped. `step(epoch)` jumps
 * to an epoch using the closed form where the schedule has one.
 *
 * Subclasses set their fields and then call `initialStep()` at the end of
 * their constructor.
 */
export abstract class LRScheduler implements Scheduler {
  /** The optimizer whose groups' `lr` this schedule sets. */
  readonly optimizer: Optimizer<OptimizerOptions>;
  /** Each group's `initialLr` when the schedule was created. */
  baseLrs: number[];
  /** The index of the last epoch (−1 before the first step). */
  lastEpoch: number;
  /** How many times `step` ran (PyTorch's `_step_count`). */
  protected stepCount = 0;
  /** The learning rates set by the last step. */
  protected lastLr: number[] = [];

  /** Attaches the schedule to `optimizer`; `lastEpoch` ≥ 0 resumes a schedule. */
  protected constructor(optimizer: Optimizer<OptimizerOptions>, lastEpoch = -1, name = 'LRScheduler') {
    if (!(optimizer instanceof Optimizer)) throw new ArgumentError(name, 'expected an Optimizer');
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1) throw new ArgumentError(name, `lastEpoch must be an integer ≥ -1, got ${lastEpoch}`);
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      for (const g of optimizer.paramGroups) g.initialLr ??= g.lr;
    } else {
      optimizer.paramGroups.forEach((g, i) => {
        if (g.initialLr === undefined) throw new ArgumentError(name, `param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer`);
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** The rates of epoch `lastEpoch` from the groups' current rates (the recursive form). */
  protected abstract getLr(): number[];

  /** The rates of epoch `lastEpoch` from the base rates (the closed form), where the schedule has one. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** Resets the step count and takes the first step (PyTorch's `_initial_step`). */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /**
   * Moves to the next epoch, or to `epoch` (deprecated in PyTorch: uses the
   * closed form where there is one), and sets every group's `lr`.
   */
  step(epoch?: number): void {
    this.stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.getLr();
    }
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rates set by the last step, one per group. */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /** The groups' current learning rates. */
  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The groups, for subclasses. */
  protected get groups(): ParamGroup<OptimizerOptions>[] {
    return this.optimizer.paramGroups;
  }

  /** Every field except the optimizer, as JSON. */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) {
      if (k === 'optimizer' || typeof v === 'function') continue;
      out[k] = structuredClone(v) as JsonValue;
    }
    return out;
  }

  /** Restores fields saved by `stateDict` (unknown keys are an error). */
  loadStateDict(state: SchedulerStateDict): void {
    const own = this as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(state)) {
      if (!(k in own) || k === 'optimizer') throw new ArgumentError(this.constructor.name, `unknown scheduler state key '${k}'`);
      own[k] = structuredClone(v);
    }
  }
}
