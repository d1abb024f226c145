import { ArgumentError, WebgradError, keep, type Tensor } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import type { StateDict } from '@webgrad/nn';

/** Something whose weights can be saved and restored: a `Module`. */
export interface HasStateDict {
  /** The current parameters and buffers. */
  stateDict(): StateDict;
  /** Loads parameters and buffers. */
  loadStateDict(state: StateDict, strict?: boolean): unknown;
}

/** Options of `EarlyStopping`. */
export interface EarlyStoppingOptions {
  /** Stop after this many steps in a row without improvement (default 5). */
  patience?: number;
  /** The least change that counts as an improvement (default 0). */
  minDelta?: number;
  /** `'min'` when lower is better (a loss, the default), `'max'` when higher is better (an accuracy). */
  mode?: 'min' | 'max';
  /** The model whose best weights are kept (needed by `restoreBestWeights`). */
  module?: HasStateDict;
  /** Snapshot the weights at every improvement and load the best back when stopping (default false). */
  restoreBestWeights?: boolean;
}

/** The counters of an `EarlyStopping`, as plain JSON (for a checkpoint). */
export interface EarlyStoppingState {
  /** The best metric so far (null before the first step). */
  best: number | null;
  /** The step that reached it (−1 before the first step). */
  bestStep: number;
  /** Steps taken. */
  steps: number;
  /** Steps since the last improvement. */
  badSteps: number;
}

/**
 * Early stopping: watch a validation metric after every epoch and stop once
 * it has not improved for `patience` epochs, the course's "stop when the
 * validation error starts to rise". A value improves on the best when it is
 * lower by more than `minDelta` (mode 'min') or higher by more than
 * `minDelta` (mode 'max'); NaN never improves. With `restoreBestWeights`
 * the module's state dict is copied at every improvement and loaded back
 * when `step` decides to stop (or on `restoreBest()`).
 *
 * @example
 * ```ts
 * const stopper = new EarlyStopping({ patience: 10, module: model, restoreBestWeights: true });
 * for (let epoch = 0; epoch < 1000; epoch++) {
 *   trainOneEpoch();
 *   if (stopper.step(await validationLoss())) break; // the best weights are back in the model
 * }
 * ```
 */
export class EarlyStopping {
  /** The options with their defaults filled in (without the module). */
  readonly options: Required<Omit<EarlyStoppingOptions, 'module'>>;
  private readonly module: HasStateDict | null;
  private best: number | null = null;
  private bestStepValue = -1;
  private steps = 0;
  private badSteps = 0;
  private snapshot: StateDict | null = null;

  /** Creates the monitor. */
  constructor(options: EarlyStoppingOptions = {}) {
    this.options = {
      patience: options.patience ?? 5,
      minDelta: options.minDelta ?? 0,
      mode: options.mode ?? 'min',
      restoreBestWeights: options.restoreBestWeights ?? false,
    };
    const { patience, minDelta, mode, restoreBestWeights } = this.options;
    if (!Number.isInteger(patience) || patience < 0)
      throw new ArgumentError(
        'EarlyStopping',
        `patience must be a non-negative integer, got ${patience}`,
      );
    if (!(minDelta >= 0))
      throw new ArgumentError('EarlyStopping', `minDelta must be >= 0, got ${minDelta}`);
    if (mode !== 'min' && mode !== 'max')
      throw new ArgumentError('EarlyStopping', `mode must be 'min' or 'max', got ${String(mode)}`);
    if (restoreBestWeights && !options.module)
      throw new ArgumentError(
        'EarlyStopping',
        'restoreBestWeights needs the module whose weights to restore',
      );
    this.module = options.module ?? null;
  }

  /** The best metric so far (null before the first step). */
  get bestMetric(): number | null {
    return this.best;
  }

  /** The 0-based step of the best metric (−1 before the first step). */
  get bestStep(): number {
    return this.bestStepValue;
  }

  /** Steps since the last improvement. */
  get stepsWithoutImprovement(): number {
    return this.badSteps;
  }

  /** True once `step` has said to stop. */
  get stopped(): boolean {
    return this.badSteps > 0 && this.badSteps >= this.options.patience;
  }

  /**
   * Records one value of the metric; returns true when training should stop:
   * this is the `patience`-th step in a row without improvement (as Keras and
   * Lightning count; patience 0 stops at the first step that does not improve).
   */
  step(metric: number): boolean {
    const { minDelta, mode, patience, restoreBestWeights } = this.options;
    const improved =
      !Number.isNaN(metric) &&
      (this.best === null ||
        (mode === 'min' ? metric < this.best - minDelta : metric > this.best + minDelta));
    if (improved) {
      this.best = metric;
      this.bestStepValue = this.steps;
      this.badSteps = 0;
      if (restoreBestWeights) this.takeSnapshot();
    } else {
      this.badSteps++;
    }
    this.steps++;
    const stop = this.badSteps > 0 && this.badSteps >= patience;
    if (stop && restoreBestWeights) this.restoreBest();
    return stop;
  }

  /** Loads the best weights seen so far into the module. */
  restoreBest(): void {
    if (!this.module)
      throw new WebgradError('EarlyStopping.restoreBest', 'no module was given to EarlyStopping');
    if (!this.snapshot)
      throw new WebgradError(
        'EarlyStopping.restoreBest',
        'no weights were saved yet (pass restoreBestWeights: true and call step first)',
      );
    this.module.loadStateDict(this.snapshot);
  }

  /** The counters as plain JSON (the weights snapshot is not included). */
  state(): EarlyStoppingState {
    return {
      best: this.best,
      bestStep: this.bestStepValue,
      steps: this.steps,
      badSteps: this.badSteps,
    };
  }

  /** Restores counters saved with `state()`. */
  loadState(state: EarlyStoppingState): void {
    this.best = state.best;
    this.bestStepValue = state.bestStep;
    this.steps = state.steps;
    this.badSteps = state.badSteps;
  }

  private takeSnapshot(): void {
    const current = this.module!.stateDict();
    const copy: StateDict = {};
    noGrad(() => {
      for (const [k, t] of Object.entries(current)) copy[k] = keep(t.detach().clone()) as Tensor;
    });
    if (this.snapshot) for (const t of Object.values(this.snapshot)) t.dispose();
    this.snapshot = copy;
  }
}
