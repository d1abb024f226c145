import type { Tensor } from '@webgrad/core-tensor';
import { CliError } from './cli-error.js';
import type { MetricsLog, MetricsRecord } from './metrics-log.js';
import type { TrainingProgress } from './training-progress.js';

/** Options of `runTrainLoop`. */
export interface TrainLoopOptions {
  /** Number of steps. */
  steps: number;
  /**
   * One optimisation step (forward, backward, update), synchronous and wrapped
   * in `tidy` by the caller; returns the loss as a one-element tensor (or,
   * with `partNames`, one loss per part) that the loop reads and then disposes.
   */
  step: (index: number) => Tensor;
  /** The display. */
  progress: TrainingProgress;
  /** Where metrics go as JSON lines, if anywhere. */
  metrics: MetricsLog | null;
  /**
   * Names of the parts of a loss vector: the step then returns one loss per
   * name (e.g. one per model trained side by side), the step's loss is their
   * sum, and each part is also written to the metrics under its name.
   */
  partNames?: readonly string[];
  /** Constant fields added to every metrics record (e.g. the learning rate). */
  metricsFields?: MetricsRecord;
  /** Steps already done before this run (a resumed run); `steps` is the total. */
  firstStep?: number;
  /** Called after every step with the number of steps done and the step's loss (e.g. to write a checkpoint). */
  afterStep?: (stepsDone: number, loss: number, parts: readonly number[]) => Promise<void>;
  /**
   * Called when Ctrl-C arrives, after the running step finished, with the
   * number of steps done (e.g. to save a checkpoint); the run then ends with
   * exit code 130.
   */
  onInterrupt?: (stepsDone: number) => Promise<void>;
}

/** What a finished run reports. */
export interface TrainLoopResult {
  /** The loss of every step this run took, in order. */
  losses: number[];
  /** Wall-clock seconds the loop took. */
  seconds: number;
}

/** How long synchronous CPU steps may hold the event loop before the bar gets to redraw. */
const YIELD_EVERY_MS = 50;

/**
 * Runs `steps` training steps, reading each step's loss (on any backend),
 * updating the progress display and the metrics log, and stopping with a clear
 * error when the loss stops being finite.
 */
export async function runTrainLoop(options: TrainLoopOptions): Promise<TrainLoopResult> {
  const { steps, step, progress, metrics } = options;
  const firstStep = options.firstStep ?? 0;
  const losses: number[] = [];
  const started = performance.now();
  let lastYield = started;
  // Ctrl-C ends the run between steps (the loop yields often enough to notice)
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
  };
  // `on`, not `once`: a second Ctrl-C while the checkpoint is written must not kill the process
  process.on('SIGINT', onSigint);
  progress.start(firstStep);
  try {
    for (let i = firstStep; i < steps; i++) {
      if (interrupted) {
        await options.onInterrupt?.(i);
        throw new CliError(`interrupted after ${i} of ${steps} steps`, { exitCode: 130 });
      }
      const lossTensor = step(i);
      const parts = options.partNames !== undefined ? Array.from(await lossTensor.data()) : [await lossTensor.itemAsync()];
      lossTensor.dispose();
      const loss = parts.reduce((a, b) => a + b, 0);
      if (!Number.isFinite(loss)) {
        throw new CliError(`the loss became ${loss} at step ${i + 1}`, {
          hint: 'try a smaller --lr',
          exitCode: 1,
        });
      }
      losses.push(loss);
      progress.update(i + 1, loss);
      metrics?.write({
        step: i + 1,
        loss,
        ...(options.partNames !== undefined ? Object.fromEntries(options.partNames.map((name, k) => [name, parts[k]!])) : {}),
        elapsedSeconds: (performance.now() - started) / 1000,
        ...options.metricsFields,
      });
      await options.afterStep?.(i + 1, loss, parts);
      const now = performance.now();
      if (now - lastYield > YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    progress.stop();
  }
  return { losses, seconds: (performance.now() - started) / 1000 };
}
