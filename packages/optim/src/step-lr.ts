import { checkInteger, checkNonNegative } from './option-checks.js';
import type { Optimizer, OptimizerOptions } from './optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

/** Options of `StepLR`. */
export interface StepLROptions {
  /** Decay every `stepSize` epochs. */
  stepSize: number;
  /** Factor γ (default 0.1). */
  gamma?: number;
  /** Resume from this epoch (default −1: start). */
  lastEpoch?: number;
}

/**
 * Multiplies each group's learning rate by γ every `stepSize` epochs:
 * ηₜ = η₀·γ^⌊t/stepSize⌋ (PyTorch's `StepLR`).
 *
 * @example
 * ```ts
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(); }
 * ```
 */
export class StepLR extends LRScheduler {
  /** Epochs between decays. */
  stepSize: number;
  /** The decay factor γ. */
  gamma: number;

  /** Attaches the schedule to `optimizer`. */
  constructor(optimizer: Optimizer<OptimizerOptions>, options: StepLROptions) {
    super(optimizer, options.lastEpoch ?? -1, 'StepLR');
    checkInteger('StepLR', 'stepSize', options.stepSize, 1);
    checkNonNegative('StepLR', 'gamma', options.gamma ?? 0.1);
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}
