/**
 * The WebGPU half of `pnpm bench`: webgrad's WebGPU backend against
 * `@tensorflow/tfjs-backend-webgpu`, side by side in one process on the same
 * adapter (Node: the `webgpu` package, i.e. Dawn; both libraries get the same
 * `navigator.gpu`). Prints medians, GFLOP/s and ratios with the CPU harness's
 * report format and writes `bench/results/core-tensor-webgpu-<time>.json`.
 * Without an adapter it says so and exits 0 (a benchmark is not a test).
 *
 * Flags: `--quick` (two timed runs each), `--only=key,key`.
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { findBackend, init, setBackend } from '@webgrad/core-tensor';
import type { Tfjs } from '../bench-case.js';
import { formatReport, writeRecord, type BenchRecord, type CaseResult, type Column } from '../report.js';
import { DEFAULT_BUDGET, QUICK_BUDGET, summarize, type TimingBudget } from '../timing.js';
import { WEBGPU_CASES, type GpuStep } from './webgpu-cases.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').filter(Boolean) ?? [];
const budget: TimingBudget = quick ? QUICK_BUDGET : { ...DEFAULT_BUDGET, minRuns: 3 };

/** `measure` for steps that finish asynchronously (GPU work). */
async function measureAsync(step: GpuStep, b: TimingBudget): Promise<ReturnType<typeof summarize>> {
  for (let i = 0; i < b.warmup; i++) await step.run();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < b.maxRuns && (samples.length < b.minRuns || performance.now() - start < b.minMs)) {
    const t0 = performance.now();
    await step.run();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/** One `navigator.gpu` for both libraries (browsers have it; Node gets Dawn's). */
async function shareNavigatorGpu(): Promise<string | null> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return null;
  try {
    const name = 'webgpu';
    const mod = (await import(name)) as { create: (o: string[]) => unknown; globals: object };
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    const gpu = mod.create([]);
    Object.defineProperty(globalThis, 'navigator', { value: { ...(g.navigator ?? {}), gpu }, configurable: true });
    (globalThis as { __webgradBenchGpu?: unknown }).__webgradBenchGpu = gpu;
    return null;
  } catch (e) {
    return `the 'webgpu' package could not be loaded: ${(e as Error).message}`;
  }
}

function repoRoot(): string {
  let d = resolve(process.cwd());
  while (!existsSync(join(d, 'pnpm-workspace.yaml'))) d = dirname(d);
  return d;
}

async function main(): Promise<void> {
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  const cases = WEBGPU_CASES.filter((c) => only.length === 0 || only.some((o) => c.key.startsWith(o)));
  const columns: Column[] = [
    { id: 'webgrad-webgpu', label: 'webgrad webgpu', isWebgrad: true },
    { id: 'tfjs-webgpu', label: 'tfjs-backend-webgpu', isWebgrad: false },
  ];
  const results: CaseResult[] = cases.map((c) => ({ key: c.key, title: c.title, suite: c.key.startsWith('matmul') ? 'webgpu matmul' : 'webgpu training step', flops: c.flops, timings: {}, failures: {} }));
  const engines: Record<string, Record<string, unknown>> = {};
  console.log(`bench webgpu: ${cases.length} case(s) × 2 engines${quick ? ' (quick: not a measurement)' : ''}`);
  const noGpu = await shareNavigatorGpu();
  let webgradReady = noGpu;
  if (webgradReady === null) {
    try {
      await init({ backend: 'webgpu' });
      setBackend('cpu');
      engines['webgrad-webgpu'] = { ...findBackend('webgpu').info() };
    } catch (e) {
      webgradReady = (e as Error).message;
    }
  }
  let tf: Tfjs | null = null;
  let tfjsReady = noGpu;
  if (tfjsReady === null) {
    try {
      tf = (await import('@tensorflow/tfjs')) as Tfjs;
      await import('@tensorflow/tfjs-backend-webgpu');
      if (!(await tf.setBackend('webgpu'))) tfjsReady = 'tfjs could not initialise its webgpu backend';
      else engines['tfjs-webgpu'] = { backend: tf.getBackend(), version: tf.version.tfjs };
    } catch (e) {
      tfjsReady = (e as Error).message;
    }
  }
  if (webgradReady) columns[0]!.skipped = webgradReady;
  if (tfjsReady) columns[1]!.skipped = tfjsReady;
  for (const [i, c] of cases.entries()) {
    for (const col of columns) {
      if (col.skipped) continue;
      let step: GpuStep | undefined;
      try {
        step = col.id === 'webgrad-webgpu' ? c.webgrad() : c.tfjs(tf!);
        const t = await measureAsync(step, budget);
        results[i]!.timings[col.id] = t;
        console.log(`  ${col.id.padEnd(16)} ${c.key.padEnd(12)} ${t.medianMs.toFixed(1)} ms ${(c.flops / t.medianMs / 1e6).toFixed(1)} GFLOP/s (median of ${t.runs})`);
      } catch (e) {
        results[i]!.failures[col.id] = (e as Error).message.split('\n')[0]!;
        console.log(`  ${col.id.padEnd(16)} ${c.key.padEnd(12)} failed: ${(e as Error).message}`);
      } finally {
        step?.dispose();
      }
    }
  }
  console.log(formatReport(columns, results));
  const root = repoRoot();
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  const record: BenchRecord = {
    package: '@webgrad/core-tensor-webgpu',
    date: new Date().toISOString(),
    environment: {
      commit: commit.status === 0 ? commit.stdout.trim() : 'unknown',
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      quick,
    },
    columns,
    engines,
    results,
  };
  console.log(`\nwrote ${writeRecord(root, record)}`);
  process.exit(0);
}

await main();
