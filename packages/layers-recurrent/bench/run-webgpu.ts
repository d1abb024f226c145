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
import type { CaseResult } from '../../core-tensor/bench/report.js';
import { formatReport } from '../../core-tensor/bench/report.js';
import { DEFAULT_BUDGET, QUICK_BUDGET, type TimingBudget } from '../../core-tensor/bench/timing.js';
import { measureAsync, prepareWebgpuEngines, writeBenchRecord } from '../../core-tensor/bench/webgpu/webgpu-harness.js';
import { LSTM_HIDDEN_SIZES, tfjsLstmStep, webgradLstmStep, type AsyncStep } from './lstm-train-step.bench.js';

const quick = process.argv.includes('--quick');
const budget: TimingBudget = quick ? QUICK_BUDGET : { ...DEFAULT_BUDGET, minRuns: 3 };

async function main(): Promise<void> {
  const { columns, engines, tf } = await prepareWebgpuEngines('layers-recurrent');
  const results: CaseResult[] = LSTM_HIDDEN_SIZES.map((H) => ({ key: `lstm-train-${H}`, title: `LSTM train step, hidden ${H}`, suite: 'lstm on webgpu', timings: {}, failures: {} }));
  console.log(`bench webgpu (layers-recurrent): ${results.length} case(s)${quick ? ' (quick: not a measurement)' : ''}`);
  for (const col of columns) {
    if (col.skipped) continue;
    for (const [i, H] of LSTM_HIDDEN_SIZES.entries()) {
      let step: AsyncStep | null = null;
      try {
        step = col.id === 'tfjs-webgpu' ? tfjsLstmStep(tf!, H, 'async') : webgradLstmStep(H, col.id === 'webgrad-webgpu' ? 'webgpu' : 'cpu');
        const s = step;
        const t = await measureAsync(() => s.run(), budget);
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
  console.log(`\nwrote ${writeBenchRecord('@webgrad/layers-recurrent-webgpu', { quick, columns, engines, results })}`);
  process.exit(0);
}

await main();
