/**
 * The WebGPU half of this package's `pnpm bench`: the VAE's train step and
 * sampling on webgrad's WebGPU backend against `@tensorflow/tfjs-backend-webgpu`,
 * in one process on one adapter, with webgrad's CPU backend in the same run
 * for scale. Built on core-tensor's bench harness (timing, report,
 * `webgpu/webgpu-harness.ts`); writes
 * `bench/results/generative-vae-webgpu-<time>.json`. Without an adapter it
 * says so and exits 0 (a benchmark is not a test).
 *
 * Flags: `--quick` (two timed runs each: checks the harness, not the speed).
 */
import { formatReport, type CaseResult } from '../../core-tensor/bench/report.js';
import { DEFAULT_BUDGET, QUICK_BUDGET, type TimingBudget } from '../../core-tensor/bench/timing.js';
import {
  measureAsync,
  prepareWebgpuEngines,
  writeBenchRecord,
} from '../../core-tensor/bench/webgpu/webgpu-harness.js';
import { VAE_CASES, tfjsVae, webgradVae } from './vae-model.js';

const quick = process.argv.includes('--quick');
const budget: TimingBudget = quick ? QUICK_BUDGET : { ...DEFAULT_BUDGET, minRuns: 3 };

async function main(): Promise<void> {
  const { columns, engines, tf } = await prepareWebgpuEngines('generative-vae');
  const results: CaseResult[] = VAE_CASES.map((c) => ({
    key: c.key,
    title: c.title,
    suite: 'vae on webgpu',
    timings: {},
    failures: {},
  }));
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
          const t = await measureAsync(() => c.run(model), budget);
          results[i]!.timings[col.id] = t;
          const perSecond = ((1000 * c.perRun) / t.medianMs).toFixed(0);
          console.log(
            `  ${col.id.padEnd(16)} ${c.key.padEnd(16)} ${t.medianMs.toFixed(1)} ms, ${perSecond} images/s (median of ${t.runs})`,
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
  const path = writeBenchRecord('@webgrad/generative-vae-webgpu', {
    quick,
    columns,
    engines,
    results,
  });
  console.log(`\nwrote ${path}`);
  process.exit(0);
}

await main();
