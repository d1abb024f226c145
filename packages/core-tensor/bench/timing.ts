/** How long to measure one (engine, case) pair. */
export interface TimingBudget {
  /** Untimed runs first (JIT, caches, pools). */
  warmup: number;
  /** At least this many timed runs... */
  minRuns: number;
  /** ...and keep going until this many milliseconds have been spent, */
  minMs: number;
  /** but never more than this many runs. */
  maxRuns: number;
}

/** The default budget: enough runs for a stable median, about 2 s per pair. */
export const DEFAULT_BUDGET: TimingBudget = { warmup: 2, minRuns: 5, minMs: 2000, maxRuns: 200 };

/** `--quick`: a smoke run of the harness itself. */
export const QUICK_BUDGET: TimingBudget = { warmup: 1, minRuns: 2, minMs: 0, maxRuns: 2 };

/** Samples of one measurement, in milliseconds. */
export interface Timing {
  /** Median of the samples (what is reported). */
  medianMs: number;
  /** Fastest sample. */
  minMs: number;
  /** Number of timed runs. */
  runs: number;
}

/** A step slower than this (ms) is warmed up once and timed `SLOW_MIN_RUNS` times: tfjs-cpu needs seconds per run. */
const SLOW_STEP_MS = 300;
const SLOW_MIN_RUNS = 3;

/** Times `run` under `budget` and returns the median (robust to the odd GC pause or neighbour's burst). */
export function measure(run: () => void, budget: TimingBudget): Timing {
  let minRuns = budget.minRuns;
  for (let i = 0; i < budget.warmup; i++) {
    const t0 = performance.now();
    run();
    if (performance.now() - t0 > SLOW_STEP_MS) {
      minRuns = Math.min(minRuns, SLOW_MIN_RUNS);
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
  return summarize(samples);
}

/** Median, minimum and count of `samples` (milliseconds). */
export function summarize(samples: readonly number[]): Timing {
  const s = samples.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  const medianMs = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { medianMs, minMs: s[0]!, runs: s.length };
}
