import { ArgumentError } from '@webgrad/core-tensor';
import { checkNonNegative } from './option-checks.js';
import type { Optimizer, OptimizerOptions } from './optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

/** Options of `MultiStepLR`. */
export interface MultiStepLROptions {
  /** Epochs at which to decay; a milestone listed k times decays by γᵏ. */
  milestones: number[];
  /** Factor γ (default 0.1). */
  gamma?: number;
  /** Resume from this epoch (default −1: start). */
  lastEpoch?: number;
}

/**
 * Multiplies each group's learning rate by γ at every milestone epoch
 * (PyTorch's `MultiStepLR`; repeated milestones count repeatedly).
 *
 * @example
 * ```ts
 * const sched = new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 * ```
 */
export class MultiStepLR extends LRScheduler {
  /** The milestones, sorted, repeated as given. */
  milestones: number[];
  /** The decay factor γ. */
  gamma: number;

  /** Attaches the schedule to `optimizer`. */
  constructor(optimizer: Optimizer<OptimizerOptions>, options: MultiStepLROptions) {
    super(optimizer, options.lastEpoch ?? -1, 'MultiStepLR');
    if (!Array.isArray(options.milestones) || !options.milestones.every((m) => Number.isInteger(m))) {
      throw new ArgumentError('MultiStepLR', `milestones must be a list of integers, got ${JSON.stringify(options.milestones)}`);
    }
    checkNonNegative('MultiStepLR', 'gamma', options.gamma ?? 0.1);
    this.milestones = options.milestones.slice().sort((a, b) => a - b);
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (count === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma ** count);
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
}
