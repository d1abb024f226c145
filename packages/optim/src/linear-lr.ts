import { checkInteger, checkInterval } from './option-checks.js';
import type { Optimizer, OptimizerOptions } from './optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

/** Options of `LinearLR`. */
export interface LinearLROptions {
  /** The factor at epoch 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** The factor from `totalIters` on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Epochs over which the factor moves linearly (default 5). */
  totalIters?: number;
  /** Resume from this epoch (default −1: start). */
  lastEpoch?: number;
}

/**
 * Scales the learning rate by a factor moving linearly from `startFactor` to
 * `endFactor` over `totalIters` epochs, then holds it: the usual warm-up
 * (PyTorch's `LinearLR`, recursive form).
 *
 * @example
 * ```ts
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 10 });
 * ```
 */
export class LinearLR extends LRScheduler {
  /** Factor at epoch 0. */
  startFactor: number;
  /** Factor from `totalIters` on. */
  endFactor: number;
  /** Length of the ramp in epochs. */
  totalIters: number;

  /** Attaches the schedule to `optimizer`. */
  constructor(optimizer: Optimizer<OptimizerOptions>, options: LinearLROptions = {}) {
    super(optimizer, options.lastEpoch ?? -1, 'LinearLR');
    const startFactor = options.startFactor ?? 1 / 3;
    const endFactor = options.endFactor ?? 1;
    const totalIters = options.totalIters ?? 5;
    // a start factor of 0 would divide by zero at epoch 1 (PyTorch fails there too)
    checkInterval('LinearLR', 'startFactor', startFactor, 0, 1, '(]');
    checkInterval('LinearLR', 'endFactor', endFactor, 0, 1, '[]');
    checkInteger('LinearLR', 'totalIters', totalIters, 1);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    if (t === 0) return this.groupLrs().map((lr) => lr * s);
    if (t > n) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(n, t)) / n));
  }
}
