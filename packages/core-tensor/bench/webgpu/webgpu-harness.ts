/**
 * What a package's WebGPU benchmark runner needs besides its cases: one
 * `navigator.gpu` for webgrad and tfjs, timing of asynchronous steps, and
 * the results record. Importing it runs nothing (unlike `run-webgpu.ts`,
 * which runs core-tensor's cases when loaded), so any package's
 * `bench/run-webgpu.ts` can build on it.
 */
import { findBackend, init, setBackend } from '@webgrad/core-tensor';
import type { Tfjs } from '../bench-case.js';
import { benchEnvironment, findRepoRoot, formatReport, writeRecord, type CaseResult, type Column } from '../report.js';
import { summarize, type Timing, type TimingBudget } from '../timing.js';

/**
 * Makes Dawn's `navigator.gpu` (from the `webgpu` package) the global one,
 * so webgrad and tfjs-backend-webgpu run on one adapter. Returns why it
 * could not, or null (also when a `navigator.gpu` already exists).
 */
export async function shareNavigatorGpu(): Promise<string | null> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return null;
  try {
    const name = 'webgpu';
    const mod = (await import(name)) as { create: (o: string[]) => unknown; globals: object };
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    Object.defineProperty(globalThis, 'navigator', { value: { ...(g.navigator ?? {}), gpu: mod.create([]) }, configurable: true });
    return null;
  } catch (e) {
    return `the 'webgpu' package could not be loaded: ${(e as Error).message}`;
  }
}

/** The engines of a WebGPU run, prepared. */
export interface WebgpuEngines {
  /** webgrad webgpu, tfjs-backend-webgpu (skipped with a reason when tfjs cannot start) and webgrad cpu. */
  columns: Column[];
  /** What each started engine reported about itself. */
  engines: Record<string, Record<string, unknown>>;
  /** tfjs on its webgpu backend, or null when it could not start. */
  tf: Tfjs | null;
}

/**
 * Starts webgrad's WebGPU backend (leaving the CPU active) and tfjs on
 * `@tensorflow/tfjs-backend-webgpu`, on one shared adapter. Without WebGPU
 * it prints that `name`'s WebGPU bench is skipped and exits 0 (a benchmark
 * is not a test).
 */
export async function prepareWebgpuEngines(name: string): Promise<WebgpuEngines> {
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  const columns: Column[] = [
    { id: 'webgrad-webgpu', label: 'webgrad webgpu', isWebgrad: true },
    { id: 'tfjs-webgpu', label: 'tfjs-backend-webgpu', isWebgrad: false },
    { id: 'webgrad-cpu', label: 'webgrad cpu', isWebgrad: false },
  ];
  const engines: Record<string, Record<string, unknown>> = {};
  const noGpu = await shareNavigatorGpu();
  try {
    if (noGpu) throw new Error(noGpu);
    await init({ backend: 'webgpu' });
    setBackend('cpu', 'bench');
    engines['webgrad-webgpu'] = { ...findBackend('webgpu').info() };
  } catch (e) {
    console.log(`bench webgpu (${name}): skipped, no WebGPU here (${(e as Error).message})`);
    process.exit(0);
  }
  let tf: Tfjs | null = null;
  try {
    tf = (await import('@tensorflow/tfjs')) as Tfjs;
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not initialise its webgpu backend');
    engines['tfjs-webgpu'] = { backend: tf.getBackend(), version: tf.version.tfjs };
  } catch (e) {
    columns[1]!.skipped = (e as Error).message;
    tf = null;
  }
  return { columns, engines, tf };
}

/** `measure` for steps that finish asynchronously (GPU work read back): warm-up runs, then timed runs under `budget`. */
export async function measureAsync(run: () => unknown, budget: TimingBudget): Promise<Timing> {
  return summarize(await collectAsync(run, budget));
}

/** The samples (ms) behind `measureAsync`, for runners that merge interleaved rounds. */
export async function collectAsync(run: () => unknown, budget: TimingBudget): Promise<number[]> {
  for (let i = 0; i < budget.warmup; i++) await run();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < budget.maxRuns && (samples.length < budget.minRuns || performance.now() - start < budget.minMs)) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  return samples;
}

/**
 * Writes a run's record to `<repo>/bench/results/<package>-<time>.json` with
 * the environment every runner reports (commit, Node, CPU, cores, memory)
 * and returns the path.
 */
export function writeBenchRecord(
  packageName: string,
  run: {
    quick: boolean;
    /** Interleaved rounds per case, when the runner interleaves. */
    rounds?: number;
    /** Load average (1, 5, 15 min) at the start and the end of the run. */
    loadAverage?: { start: number[]; end: number[] };
    columns: Column[];
    engines: Record<string, Record<string, unknown>>;
    results: CaseResult[];
  },
): string {
  const root = findRepoRoot(process.cwd());
  const extra: Record<string, unknown> = { quick: run.quick };
  if (run.rounds !== undefined) extra.rounds = run.rounds;
  if (run.loadAverage !== undefined) extra.loadAverage = run.loadAverage;
  return writeRecord(root, {
    package: packageName,
    date: new Date().toISOString(),
    environment: benchEnvironment(root, extra),
    columns: run.columns,
    engines: run.engines,
    results: run.results,
  });
}

/** A model-level case of a package's WebGPU bench: one run of `run(model)` handles `perRun` items. */
export interface ModelBenchCase<M> {
  /** Key in the results JSON. */
  readonly key: string;
  /** What it computes, for the printed table. */
  readonly title: string;
  /** Items (images, samples, sequences) one run handles, for the per-second figure. */
  readonly perRun: number;
  /** One timed run; resolves once its result is back on the CPU. */
  run(model: M): Promise<unknown> | unknown;
}

/**
 * The whole WebGPU runner of a package whose cases time methods of one
 * model: prepares the engines, builds the model once per engine with
 * `build` (`'webgrad-webgpu'`, `'webgrad-cpu'`, or tfjs on its webgpu
 * backend), times every case, prints `unit`/s, the report and the record
 * `<packageName>-webgpu`, and exits. Without WebGPU it says so and exits 0.
 * (generative-vae's `bench/run-webgpu.ts` writes this loop out; it can
 * become one call of this function.)
 */
export async function runModelBenchOnWebgpu<M extends { dispose(): void }>(options: {
  /** Short package name for messages (`generative-diffusion`). */
  name: string;
  /** npm name, for the record (`@webgrad/generative-diffusion`). */
  packageName: string;
  /** Suite name in the report. */
  suite: string;
  cases: readonly ModelBenchCase<M>[];
  /** The model for a column: webgrad on a backend, or tfjs (`tf` given). */
  build: (column: 'webgrad-webgpu' | 'webgrad-cpu' | 'tfjs-webgpu', tf: Tfjs | null) => M;
  /** What `perRun` counts (default 'items'). */
  unit?: string;
  budget: TimingBudget;
  quick: boolean;
}): Promise<never> {
  const { name, cases, budget } = options;
  const { columns, engines, tf } = await prepareWebgpuEngines(name);
  const results: CaseResult[] = cases.map((c) => ({ key: c.key, title: c.title, suite: options.suite, timings: {}, failures: {} }));
  console.log(`bench webgpu (${name}): ${cases.length} case(s)${options.quick ? ' (quick: not a measurement)' : ''}`);
  for (const col of columns) {
    if (col.skipped) continue;
    const model = options.build(col.id as 'webgrad-webgpu' | 'webgrad-cpu' | 'tfjs-webgpu', tf);
    try {
      for (const [i, c] of cases.entries()) {
        try {
          const t = await measureAsync(() => c.run(model), budget);
          results[i]!.timings[col.id] = t;
          const perSecond = ((1000 * c.perRun) / t.medianMs).toFixed(0);
          console.log(`  ${col.id.padEnd(16)} ${c.key.padEnd(16)} ${t.medianMs.toFixed(1)} ms, ${perSecond} ${options.unit ?? 'items'}/s (median of ${t.runs})`);
        } catch (e) {
          results[i]!.failures[col.id] = (e as Error).message.split('\n')[0]!;
          console.log(`  ${col.id.padEnd(16)} ${c.key.padEnd(16)} failed: ${(e as Error).message}`);
        }
      }
    } finally {
      model.dispose();
    }
  }
  console.log(formatReport(columns, results));
  console.log(`\nwrote ${writeBenchRecord(`${options.packageName}-webgpu`, { quick: options.quick, columns, engines, results })}`);
  process.exit(0);
}
