/**
 * The WebGPU half of this package's `pnpm bench`: the VAE's train step and
 * sampling on webgrad's WebGPU backend against `@tensorflow/tfjs-backend-webgpu`,
 * in one process on one adapter, with webgrad's CPU backend in the same run
 * for scale. Reuses core-tensor's timing and report code; writes
 * `bench/results/generative-vae-webgpu-<time>.json`. Without an adapter it
 * says so and exits 0 (a benchmark is not a test).
 *
 * Flags: `--quick` (two timed runs each: checks the harness, not the speed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { findBackend, init, setBackend } from '@webgrad/core-tensor';
import type { Tfjs } from '../../core-tensor/bench/bench-case.js';
import {
  formatReport,
  writeRecord,
  type BenchRecord,
  type CaseResult,
  type Column,
} from '../../core-tensor/bench/report.js';
import {
  DEFAULT_BUDGET,
  QUICK_BUDGET,
  summarize,
  type Timing,
  type TimingBudget,
} from '../../core-tensor/bench/timing.js';
import { VAE_CASES, tfjsVae, webgradVae } from './vae-model.js';

const quick = process.argv.includes('--quick');
const budget: TimingBudget = quick ? QUICK_BUDGET : { ...DEFAULT_BUDGET, minRuns: 3 };

async function measureAsync(run: () => Promise<unknown> | unknown): Promise<Timing> {
  for (let i = 0; i < budget.warmup; i++) await run();
  const samples: number[] = [];
  const start = performance.now();
  while (
    samples.length < budget.maxRuns &&
    (samples.length < budget.minRuns || performance.now() - start < budget.minMs)
  ) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

/**
 * One `navigator.gpu` (Dawn's, from the `webgpu` package) for webgrad and
 * tfjs, so both run on the same adapter. (core-tensor's WebGPU runner does
 * the same; it runs its own cases when imported, so its helper cannot be
 * shared.)
 */
async function shareNavigatorGpu(): Promise<string | null> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return null;
  try {
    const mod = (await import('webgpu')) as { create: (o: string[]) => unknown; globals: object };
    for (const [k, v] of Object.entries(mod.globals))
      if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    Object.defineProperty(globalThis, 'navigator', {
      value: { ...(g.navigator ?? {}), gpu: mod.create([]) },
      configurable: true,
    });
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
  const results: CaseResult[] = VAE_CASES.map((c) => ({
    key: c.key,
    title: c.title,
    suite: 'vae on webgpu',
    timings: {},
    failures: {},
  }));
  const engines: Record<string, Record<string, unknown>> = {};
  const noGpu = await shareNavigatorGpu();
  if (noGpu === null) {
    try {
      await init({ backend: 'webgpu' });
      setBackend('cpu', 'bench');
      engines['webgrad-webgpu'] = { ...findBackend('webgpu').info() };
    } catch (e) {
      columns[0]!.skipped = (e as Error).message;
    }
  } else columns[0]!.skipped = noGpu;
  let tf: Tfjs | null = null;
  try {
    if (noGpu) throw new Error(noGpu);
    tf = (await import('@tensorflow/tfjs')) as Tfjs;
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu')))
      throw new Error('tfjs could not initialise its webgpu backend');
    engines['tfjs-webgpu'] = { backend: tf.getBackend(), version: tf.version.tfjs };
  } catch (e) {
    columns[1]!.skipped = (e as Error).message;
  }
  if (columns[0]!.skipped) {
    console.log(`bench webgpu (generative-vae): skipped, no WebGPU here (${columns[0]!.skipped})`);
    process.exit(0);
  }
  console.log(
    `bench webgpu (generative-vae): ${VAE_CASES.length} case(s)${quick ? ' (quick: not a measurement)' : ''}`,
  );
  for (const col of columns) {
    if (col.skipped) continue;
    const model =
      col.id === 'tfjs-webgpu'
        ? tfjsVae(tf!, 'async')
        : webgradVae(col.id === 'webgrad-webgpu' ? 'webgpu' : 'cpu');
    try {
      for (const [i, c] of VAE_CASES.entries()) {
        try {
          const t = await measureAsync(() => c.run(model));
          results[i]!.timings[col.id] = t;
          console.log(
            `  ${col.id.padEnd(16)} ${c.key.padEnd(16)} ${t.medianMs.toFixed(1)} ms, ${((1000 * c.perRun) / t.medianMs).toFixed(0)} images/s (median of ${t.runs})`,
          );
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
  // the same record as core-tensor's runners write (report.ts has no helper for the environment)
  let root = resolve(process.cwd());
  while (!existsSync(join(root, 'pnpm-workspace.yaml'))) root = dirname(root);
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: root,
    encoding: 'utf8',
  });
  const record: BenchRecord = {
    package: '@webgrad/generative-vae-webgpu',
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
