/**
 * The WebGPU half of this package's `pnpm bench`: the LSTM training step of
 * `lstm-train-step.bench.ts` on webgrad's WebGPU backend against tfjs-layers'
 * LSTM on `@tensorflow/tfjs-backend-webgpu`, in one process on one adapter,
 * with webgrad's CPU backend in the same run for scale. Reuses core-tensor's
 * timing and report code; writes `bench/results/layers-recurrent-webgpu-<time>.json`.
 * Without an adapter it says so and exits 0 (a benchmark is not a test).
 *
 * Flags: `--quick` (two timed runs each: checks the harness, not the speed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { findBackend, init, setBackend } from '@webgrad/core-tensor';
import type { Tfjs } from '../../core-tensor/bench/bench-case.js';
import { formatReport, writeRecord, type BenchRecord, type CaseResult, type Column } from '../../core-tensor/bench/report.js';
import { DEFAULT_BUDGET, QUICK_BUDGET, summarize, type Timing, type TimingBudget } from '../../core-tensor/bench/timing.js';
import { LSTM_HIDDEN_SIZES, tfjsLstmStep, webgradLstmStep, type AsyncStep } from './lstm-train-step.bench.js';

const quick = process.argv.includes('--quick');
const budget: TimingBudget = quick ? QUICK_BUDGET : { ...DEFAULT_BUDGET, minRuns: 3 };

async function measureAsync(step: AsyncStep): Promise<Timing> {
  for (let i = 0; i < budget.warmup; i++) await step.run();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < budget.maxRuns && (samples.length < budget.minRuns || performance.now() - start < budget.minMs)) {
    const t0 = performance.now();
    await step.run();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/** Dawn's `navigator.gpu` from the `webgpu` package, shared by webgrad and tfjs so both run on one adapter. */
async function shareNavigatorGpu(): Promise<string | null> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return null;
  try {
    const mod = (await import('webgpu')) as { create: (o: string[]) => unknown; globals: object };
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    Object.defineProperty(globalThis, 'navigator', { value: { ...(g.navigator ?? {}), gpu: mod.create([]) }, configurable: true });
    return null;
  } catch (e) {
    return `the 'webgpu' package could not be loaded: ${(e as Error).message}`;
  }
}

async function main(): Promise<void> {
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  const columns: Column[] = [
    { id: 'webgrad-webgpu', label: 'webgrad webgpu', isWebgrad: true },
    { id: 'tfjs-webgpu', label: 'tfjs-backend-webgpu', isWebgrad: false },
    { id: 'webgrad-cpu', label: 'webgrad cpu', isWebgrad: false },
  ];
  const results: CaseResult[] = LSTM_HIDDEN_SIZES.map((H) => ({ key: `lstm-train-${H}`, title: `LSTM train step, hidden ${H}`, suite: 'lstm on webgpu', timings: {}, failures: {} }));
  const engines: Record<string, Record<string, unknown>> = {};
  const noGpu = await shareNavigatorGpu();
  try {
    if (noGpu) throw new Error(noGpu);
    await init({ backend: 'webgpu' });
    setBackend('cpu', 'bench');
    engines['webgrad-webgpu'] = { ...findBackend('webgpu').info() };
  } catch (e) {
    console.log(`bench webgpu (layers-recurrent): skipped, no WebGPU here (${(e as Error).message})`);
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
  }
  console.log(`bench webgpu (layers-recurrent): ${results.length} case(s)${quick ? ' (quick: not a measurement)' : ''}`);
  for (const col of columns) {
    if (col.skipped) continue;
    for (const [i, H] of LSTM_HIDDEN_SIZES.entries()) {
      let step: AsyncStep | null = null;
      try {
        step = col.id === 'tfjs-webgpu' ? tfjsLstmStep(tf!, H, 'async') : webgradLstmStep(H, col.id === 'webgrad-webgpu' ? 'webgpu' : 'cpu');
        const t = await measureAsync(step);
        results[i]!.timings[col.id] = t;
        console.log(`  ${col.id.padEnd(16)} lstm-train-${H} ${t.medianMs.toFixed(1)} ms (median of ${t.runs})`);
      } catch (e) {
        results[i]!.failures[col.id] = (e as Error).message.split('\n')[0]!;
        console.log(`  ${col.id.padEnd(16)} lstm-train-${H} failed: ${(e as Error).message}`);
      } finally {
        step?.dispose();
      }
    }
  }
  console.log(formatReport(columns, results));
  let root = resolve(process.cwd());
  while (!existsSync(join(root, 'pnpm-workspace.yaml'))) root = dirname(root);
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  const record: BenchRecord = {
    package: '@webgrad/layers-recurrent-webgpu',
    date: new Date().toISOString(),
    environment: { commit: commit.status === 0 ? commit.stdout.trim() : 'unknown', node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), quick },
    columns,
    engines,
    results,
  };
  console.log(`\nwrote ${writeRecord(root, record)}`);
  process.exit(0);
}

await main();
