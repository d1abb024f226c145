import { MultiBar, type SingleBar } from 'cli-progress';

/** When to draw the progress bar: on a terminal only (`auto`), always, or never. */
export type ProgressMode = 'auto' | 'always' | 'never';

/** The progress modes `--progress` accepts. */
export const PROGRESS_MODES: readonly ProgressMode[] = ['auto', 'always', 'never'];

/** Where progress goes; the defaults are the process's streams. */
export interface ProgressStreams {
  /** Periodic lines and results (default `process.stdout`). */
  out: NodeJS.WritableStream;
  /** The bar (default `process.stderr`, which keeps stdout clean for piping). */
  bar: NodeJS.WriteStream;
}

/** Options of `TrainingProgress`. */
export interface TrainingProgressOptions {
  /** Shown before the bar, e.g. `train xor`. */
  title: string;
  /** Number of steps the run will take. */
  total: number;
  /** When to draw the bar. */
  mode: ProgressMode;
  /** A plain line is printed every `logEvery` steps (and at the last step). */
  logEvery: number;
  /** Output streams (tests pass their own). */
  streams?: Partial<ProgressStreams>;
}

/**
 * Shows a training run as it goes: a progress bar (cli-progress) with the
 * loss, steps/s and ETA, plus a plain line every `logEvery` steps that stays
 * in the scrollback (and is all that is printed when the bar is off, e.g.
 * when output is piped).
 */
export class TrainingProgress {
  private readonly multibar: MultiBar | null;
  private bar: SingleBar | null = null;
  private readonly out: NodeJS.WritableStream;
  private startedAt = 0;
  private firstStep = 0;
  private readonly stepWidth: number;
  private readonly barIsTerminal: boolean;

  /** Creates the display; nothing is drawn until `start()`. */
  constructor(private readonly options: TrainingProgressOptions) {
    const barStream = options.streams?.bar ?? process.stderr;
    this.out = options.streams?.out ?? process.stdout;
    this.barIsTerminal = barStream.isTTY === true;
    const draw = options.mode === 'always' || (options.mode === 'auto' && barStream.isTTY === true);
    this.stepWidth = String(options.total).length;
    this.multibar = draw
      ? new MultiBar({
          stream: barStream,
          format: `${options.title} |{bar}| {value}/{total} | loss {loss} | {speed} steps/s | ETA {eta_formatted}`,
          barCompleteChar: '█',
          barIncompleteChar: '░',
          hideCursor: this.barIsTerminal,
          clearOnComplete: false,
          noTTYOutput: options.mode === 'always',
          notTTYSchedule: 250,
          etaBuffer: 200,
          fps: 10,
        })
      : null;
  }

  /**
   * The display of a `train` command's run of `total` steps, as its
   * `--progress` and `--log-every` options ask (by default a line every
   * tenth of the run).
   */
  static forRun(title: string, total: number, options: { progress: ProgressMode; logEvery?: number }): TrainingProgress {
    return new TrainingProgress({
      title,
      total,
      mode: options.progress,
      logEvery: options.logEvery ?? Math.max(1, Math.round(total / 10)),
    });
  }

  /** Starts the clock and draws the bar at `done` steps (0, or where a resumed run starts). */
  start(done = 0): void {
    this.startedAt = performance.now();
    this.firstStep = done;
    this.bar = this.multibar?.create(this.options.total, done, { loss: '-', speed: '-' }) ?? null;
  }

  /** Reports that `step` steps (1-based count) are done and the last loss was `loss`. */
  update(step: number, loss: number): void {
    const elapsed = (performance.now() - this.startedAt) / 1000;
    const speed = elapsed > 0 ? (step - this.firstStep) / elapsed : 0;
    this.bar?.update(step, { loss: formatLoss(loss), speed: speed.toFixed(speed >= 100 ? 0 : 1) });
    if (step % this.options.logEvery === 0 || step === this.options.total) {
      const eta = speed > 0 ? (this.options.total - step) / speed : 0;
      this.log(
        `step ${String(step).padStart(this.stepWidth)}/${this.options.total}  loss ${formatLoss(loss)}  ` +
          `${speed.toFixed(speed >= 100 ? 0 : 1)} steps/s  ETA ${formatSeconds(eta)}`,
      );
    }
  }

  /** Prints a line above the bar (or plainly when there is no bar). */
  log(line: string): void {
    // on a terminal the line must be drawn above the bar by the bar itself
    if (this.multibar !== null && this.bar !== null && this.barIsTerminal)
      this.multibar.log(`${line}\n`);
    else this.out.write(`${line}\n`);
  }

  /** Draws the final state and releases the terminal; returns the elapsed seconds. */
  stop(): number {
    if (this.multibar !== null) {
      // stop() does not flush lines logged since the last redraw; update() does
      if (this.barIsTerminal) this.multibar.update();
      this.multibar.stop();
    }
    this.bar = null;
    return (performance.now() - this.startedAt) / 1000;
  }
}

/** A loss printed with enough digits to see it fall (6 significant, exponent when tiny). */
export function formatLoss(loss: number): string {
  if (!Number.isFinite(loss)) return String(loss);
  return Math.abs(loss) >= 1e-4 || loss === 0 ? loss.toFixed(6) : loss.toExponential(3);
}

/** Seconds as `1m05s` or `3.2s`. */
export function formatSeconds(s: number): string {
  if (s >= 60) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${s.toFixed(1)}s`;
}
