import { checkFinite, checkPositive } from './option-checks.js';
import type { Optimizer, OptimizerOptions } from './optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

/** Options of `CosineAnnealingLR`. */
export interface CosineAnnealingLROptions {
  /** Half-period T_max in epochs. */
  tMax: number;
  /** The minimum rate η_min (default 0). */
  etaMin?: number;
  /** Resume from this epoch (default −1: start). */
  lastEpoch?: number;
}

/**
 * Cosine annealing, ηₜ = η_min + ½(η₀ − η_min)(1 + cos(πt/T_max)), computed
 * with PyTorch's recursive form (each step rescales the current rate), so
 * it matches `CosineAnnealingLR`'s numbers exactly, including past T_max
 * (where the rate rises again) and when chained with other schedules.
 *
 * @example
 * ```ts
 * const sched = new CosineAnnealingLR(opt, { tMax: 50, etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Half-period T_max. */
  tMax: number;
  /** Minimum rate η_min. */
  etaMin: number;

  /** Attaches the schedule to `optimizer`. */
  constructor(optimizer: Optimizer<OptimizerOptions>, options: CosineAnnealingLROptions) {
    super(optimizer, options.lastEpoch ?? -1, 'CosineAnnealingLR');
    checkPositive('CosineAnnealingLR', 'tMax', options.tMax);
    checkFinite('CosineAnnealingLR', 'etaMin', options.etaMin ?? 0);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: t, tMax, etaMin } = this;
    const lrs = this.groupLrs();
    if (t === 0) return lrs;
    if (this.stepCount === 1 && t > 0) {
      return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((t * Math.PI) / tMax))) / 2);
    }
    if ((t - 1 - tMax) % (2 * tMax) === 0) {
      return lrs.map((lr, i) => lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return lrs.map((lr) => ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2);
  }
}
