import { ArgumentError } from '@webgrad/core-tensor';
import type { LRScheduler, Scheduler, SchedulerStateDict } from './lr-scheduler.js';

/**
 * Steps several schedules of one optimizer together, in the given order, so
 * their recursive forms compose (PyTorch's `ChainedScheduler`).
 *
 * @example
 * ```ts
 * const sched = new ChainedScheduler([new ExponentialLR(opt, { gamma: 0.9 }), new MultiStepLR(opt, { milestones: [30] })]);
 * ```
 */
export class ChainedScheduler implements Scheduler {
  private readonly schedulers: LRScheduler[];
  private lastLr: number[];

  /** Chains `schedulers`, which must all belong to the same optimizer. */
  constructor(schedulers: readonly LRScheduler[]) {
    if (schedulers.length === 0) throw new ArgumentError('ChainedScheduler', 'needs at least one scheduler');
    schedulers.forEach((s, i) => {
      if (s.optimizer !== schedulers[0].optimizer) {
        throw new ArgumentError('ChainedScheduler', `expects all schedulers to belong to the same optimizer, but schedulers 0 and ${i} differ`);
      }
    });
    this.schedulers = schedulers.slice();
    this.lastLr = this.schedulers[0].optimizer.paramGroups.map((g) => g.lr);
  }

  /** Steps every scheduler in order. */
  step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLr = this.schedulers[this.schedulers.length - 1].optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rates after the last step. */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /** The chained schedulers' states. */
  stateDict(): SchedulerStateDict {
    return { lastLr: this.lastLr.slice(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  /** Restores the chained schedulers' states. */
  loadStateDict(state: SchedulerStateDict): void {
    const nested = state.schedulers as SchedulerStateDict[];
    if (!Array.isArray(nested) || nested.length !== this.schedulers.length) {
      throw new ArgumentError('ChainedScheduler', `state has ${Array.isArray(nested) ? nested.length : 'no'} schedulers, this chain has ${this.schedulers.length}`);
    }
    this.schedulers.forEach((s, i) => s.loadStateDict(nested[i]));
    this.lastLr = (state.lastLr as number[]).slice();
  }
}
