/** How long to measure one (engine, case) pair. */
export interface TimingBudget {
  /** Untimed runs first (JIT, caches, pools). */
  warmup: number;
  /** At least this many timed runs... */
  minRuns: number;
  /** ...and keep going until this many milliseconds have been spent, */
  minMs: number;
  /** but never more than this many runs; */
  maxRuns: number;
  /** a step slower than SLOW_STEP_MS only needs this many. */
  slowMinRuns: number;
}

/** The default budget: enough runs for a stable median, about 2 s per pair. */
export const DEFAULT_BUDGET: TimingBudget = { warmup: 2, minRuns: 5, minMs: 2000, maxRuns: 200, slowMinRuns: 3 };

/** `--quick`: a smoke run of the harness itself. */
export const QUICK_BUDGET: TimingBudget = { warmup: 1, minRuns: 2, minMs: 0, maxRuns: 2, slowMinRuns: 2 };

/** Samples of one measurement, in milliseconds. */
export interface Timing {
  /** Median of the samples (what is reported). */
  medianMs: number;
  /** Fastest sample. */
  minMs: number;
  /** Number of timed runs. */
  runs: number;
}

/** A step slower than this (ms) is warmed up once and timed `slowMinRuns` times: tfjs-cpu needs seconds per run. */
const SLOW_STEP_MS = 300;

/**
 * The budget of one of `rounds` interleaved rounds: the same total, spread
 * out. A step already known to be slow (it was measured before) needs no
 * second warm-up.
 */
export function perRound(budget: TimingBudget, rounds: number, knownSlow: boolean): TimingBudget {
  return {
    warmup: knownSlow ? 0 : budget.warmup,
    minRuns: Math.ceil((knownSlow ? budget.slowMinRuns : budget.minRuns) / rounds),
    minMs: budget.minMs / rounds,
    maxRuns: Math.ceil(budget.maxRuns / rounds),
    slowMinRuns: Math.ceil(budget.slowMinRuns / rounds),
  };
}

/** Whether a step whose samples are `ms` counts as slow (fewer runs, see SLOW_STEP_MS). */
export function isSlow(ms: readonly number[]): boolean {
  return ms.length > 0 && summarize(ms).medianMs > SLOW_STEP_MS;
}

/** Warms up, then returns the timed samples (ms) of `run` under `budget`. */
export function collect(run: () => void, budget: TimingBudget): number[] {
  let minRuns = budget.minRuns;
  for (let i = 0; i < budget.warmup; i++) {
    const t0 = performance.now();
    run();
    if (performance.now() - t0 > SLOW_STEP_MS) {
      minRuns = Math.min(minRuns, budget.slowMinRuns);
      break;
    }
  }
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < budget.maxRuns && (samples.length < minRuns || performance.now() - start < budget.minMs)) {
    const t0 = performance.now();
    run();
    samples.push(performance.now() - t0);
  }
  return samples;
}

/** Median, minimum and count of `samples` (milliseconds). */
export function summarize(samples: readonly number[]): Timing {
  const s = samples.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  const medianMs = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { medianMs, minMs: s[0]!, runs: s.length };
}
