/**
 * What a package's WebGPU benchmark runner needs besides its cases: one
 * `navigator.gpu` for webgrad and tfjs, timing of asynchronous steps, and
 * the results record. Importing it runs nothing (unlike `run-webgpu.ts`,
 * which runs core-tensor's cases when loaded), so any package's
 * `bench/run-webgpu.ts` can build on it.
 */
import { benchEnvironment, findRepoRoot, writeRecord, type CaseResult, type Column } from '../report.js';
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

/** `measure` for steps that finish asynchronously (GPU work read back): warm-up runs, then timed runs under `budget`. */
export async function measureAsync(run: () => unknown, budget: TimingBudget): Promise<Timing> {
  for (let i = 0; i < budget.warmup; i++) await run();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < budget.maxRuns && (samples.length < budget.minRuns || performance.now() - start < budget.minMs)) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/**
 * Writes a run's record to `<repo>/bench/results/<package>-<time>.json` with
 * the environment every runner reports (commit, Node, CPU, cores, memory)
 * and returns the path.
 */
export function writeBenchRecord(
  packageName: string,
  run: { quick: boolean; columns: Column[]; engines: Record<string, Record<string, unknown>>; results: CaseResult[] },
): string {
  const root = findRepoRoot(process.cwd());
  return writeRecord(root, {
    package: packageName,
    date: new Date().toISOString(),
    environment: benchEnvironment(root, { quick: run.quick }),
    columns: run.columns,
    engines: run.engines,
    results: run.results,
  });
}
