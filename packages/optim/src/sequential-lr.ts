import { ArgumentError } from '@webgrad/core-tensor';
import type { Optimizer, OptimizerOptions } from './optimizer.js';
import type { LRScheduler, Scheduler, SchedulerStateDict } from './lr-scheduler.js';

/**
 * Runs schedules one after another: `schedulers[i]` from epoch
 * `milestones[i−1]` on, each restarted (with its closed form at epoch 0) when
 * its turn comes. PyTorch's `SequentialLR`, e.g. a linear warm-up followed
 * by cosine annealing.
 *
 * @example
 * ```ts
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const cosine = new CosineAnnealingLR(opt, { tMax: 95 });
 * const sched = new SequentialLR(opt, [warmup, cosine], [5]);
 * ```
 */
export class SequentialLR implements Scheduler {
  /** The optimizer all schedules belong to. */
  readonly optimizer: Optimizer<OptimizerOptions>;
  /** The epoch count. */
  lastEpoch: number;
  private readonly schedulers: LRScheduler[];
  private readonly milestones: number[];
  private lastLr: number[];

  /** Sequences `schedulers` switching at `milestones` (one fewer than schedulers). */
  constructor(optimizer: Optimizer<OptimizerOptions>, schedulers: readonly LRScheduler[], milestones: readonly number[], lastEpoch = -1) {
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new ArgumentError('SequentialLR', `expects all schedulers to belong to the same optimizer, but scheduler ${i} belongs to another`);
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ArgumentError('SequentialLR', `expects one more scheduler than milestones, got ${schedulers.length} schedulers and ${milestones.length} milestones`);
    }
    this.optimizer = optimizer;
    this.schedulers = schedulers.slice();
    this.milestones = milestones.slice();
    this.lastEpoch = lastEpoch + 1;
    // undo the steps the schedules took when they were built, and restart the first one
    for (const g of optimizer.paramGroups) g.lr = g.initialLr!;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0].initialStep();
    this.lastLr = this.schedulers[0].getLastLr();
  }

  /** Steps the schedule whose turn it is (restarting it at its milestone). */
  step(): void {
    this.lastEpoch += 1;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const scheduler = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  /** The learning rates after the last step. */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /** The sequence's state with every schedule's state. */
  stateDict(): SchedulerStateDict {
    return { lastEpoch: this.lastEpoch, milestones: this.milestones.slice(), lastLr: this.lastLr.slice(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  /** Restores a state saved by `stateDict`. */
  loadStateDict(state: SchedulerStateDict): void {
    const nested = state.schedulers as SchedulerStateDict[];
    if (!Array.isArray(nested) || nested.length !== this.schedulers.length) {
      throw new ArgumentError('SequentialLR', `state has ${Array.isArray(nested) ? nested.length : 'no'} schedulers, this sequence has ${this.schedulers.length}`);
    }
    this.schedulers.forEach((s, i) => s.loadStateDict(nested[i]));
    this.lastEpoch = state.lastEpoch as number;
    this.lastLr = (state.lastLr as number[]).slice();
  }
}
