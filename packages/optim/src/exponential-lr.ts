import { checkNonNegative } from './option-checks.js';
import type { Optimizer, OptimizerOptions } from './optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

/** Options of `ExponentialLR`. */
export interface ExponentialLROptions {
  /** Factor γ applied every epoch. */
  gamma: number;
  /** Resume from this epoch (default −1: start). */
  lastEpoch?: number;
}

/**
 * ηₜ = η₀·γᵗ: multiplies every group's learning rate by γ each epoch
 * (PyTorch's `ExponentialLR`).
 *
 * @example
 * ```ts
 * const sched = new ExponentialLR(opt, { gamma: 0.95 });
 * ```
 */
export class ExponentialLR extends LRScheduler {
  /** The decay factor γ. */
  gamma: number;

  /** Attaches the schedule to `optimizer`. */
  constructor(optimizer: Optimizer<OptimizerOptions>, options: ExponentialLROptions) {
    super(optimizer, options.lastEpoch ?? -1, 'ExponentialLR');
    checkNonNegative('ExponentialLR', 'gamma', options.gamma);
    this.gamma = options.gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}
