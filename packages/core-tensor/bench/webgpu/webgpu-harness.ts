/**
 * What a package's WebGPU benchmark runner needs besides its cases: one
 * `navigator.gpu` for webgrad and tfjs, timing of asynchronous steps, and
 * the results record. Importing it runs nothing (unlike `run-webgpu.ts`,
 * which runs core-tensor's cases when loaded), so any package's
 * `bench/run-webgpu.ts` can build on it.
 */
import { findBackend, init, setBackend } from '@webgrad/core-tensor';
import type { Tfjs } from '../bench-case.js';
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
