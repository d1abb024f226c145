/**
 * The WebGPU half of this package's `pnpm bench`: the LSTM training step of
 * `lstm-train-step.bench.ts` on webgrad's WebGPU backend against tfjs-layers'
 * LSTM on `@tensorflow/tfjs-backend-webgpu`, in one process on one adapter,
 * with webgrad's CPU backend in the same run for scale. Engines are measured
 * in interleaved rounds (each engine's step built once, then every round
 * times each engine in turn), so a load that changes during the run weighs on
 * all of them alike. Reuses core-tensor's timing and report code; writes
 * `bench/results/layers-recurrent-webgpu-<time>.json`, with the dispatches of
 * one webgrad WebGPU step per case. Without an adapter it says so and exits 0
 * (a benchmark is not a test).
 *
 * Flags: `--quick` (two timed runs each: checks the harness, not the speed),
 * `--rounds=N` (default 3), `--hidden=256` (one size; default 128 and 256),
 * `--engines=webgrad-webgpu,tfjs-webgpu` (a subset of the columns).
 */
import { findBackend } from '@webgrad/core-tensor';
import type { CaseResult } from '../../core-tensor/bench/report.js';
import { formatReport } from '../../core-tensor/bench/report.js';
import { DEFAULT_BUDGET, QUICK_BUDGET, perRound, summarize, type TimingBudget } from '../../core-tensor/bench/timing.js';
import { collectAsync, prepareWebgpuEngines, writeBenchRecord } from '../../core-tensor/bench/webgpu/webgpu-harness.js';
import { LSTM_HIDDEN_SIZES, tfjsLstmStep, webgradLstmStep, type AsyncStep } from './lstm-train-step.bench.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = args.includes('--quick');
const rounds = quick ? 1 : Math.max(1, Number(option('rounds') ?? 3));
const budget: TimingBudget = quick ? QUICK_BUDGET : { ...DEFAULT_BUDGET, minRuns: 3 };
const sizes = option('hidden') ? option('hidden')!.split(',').map(Number) : [...LSTM_HIDDEN_SIZES];
const only = option('engines')?.split(',');

async function main(): Promise<void> {
  const { columns, engines, tf } = await prepareWebgpuEngines('layers-recurrent');
  for (const col of columns) if (only && !only.includes(col.id) && !col.skipped) col.skipped = 'not selected (--engines)';
  const results: CaseResult[] = sizes.map((H) => ({ key: `lstm-train-${H}`, title: `LSTM train step, hidden ${H}`, suite: 'lstm on webgpu', timings: {}, failures: {} }));
  const dispatchesPerStep: Record<string, number> = {};
  console.log(`bench webgpu (layers-recurrent): ${results.length} case(s), ${rounds} interleaved round(s)${quick ? ' (quick: not a measurement)' : ''}`);
  for (const [i, H] of sizes.entries()) {
    const steps = new Map<string, AsyncStep>();
    const samples = new Map<string, number[]>();
    try {
      for (const col of columns) {
        if (col.skipped) continue;
        try {
          const step = col.id === 'tfjs-webgpu' ? tfjsLstmStep(tf!, H, 'async') : webgradLstmStep(H, col.id === 'webgrad-webgpu' ? 'webgpu' : 'cpu');
          steps.set(col.id, step);
          samples.set(col.id, []);
          if (col.id === 'webgrad-webgpu') {
            await step.run();
            const info = () => findBackend('webgpu').info().details as { dispatches: number };
            const before = info().dispatches;
            await step.run();
            dispatchesPerStep[`lstm-train-${H}`] = info().dispatches - before;
          }
        } catch (e) {
          results[i]!.failures[col.id] = (e as Error).message.split('\n')[0]!;
          console.log(`  ${col.id.padEnd(16)} lstm-train-${H} failed: ${(e as Error).message}`);
        }
      }
      for (let round = 0; round < rounds; round++) {
        for (const [id, step] of steps) {
          if (results[i]!.failures[id]) continue;
          try {
            samples.get(id)!.push(...(await collectAsync(() => step.run(), perRound(budget, rounds, round > 0))));
          } catch (e) {
            results[i]!.failures[id] = (e as Error).message.split('\n')[0]!;
            console.log(`  ${id.padEnd(16)} lstm-train-${H} failed: ${(e as Error).message}`);
          }
        }
      }
    } finally {
      for (const step of steps.values()) step.dispose();
    }
    for (const [id, s] of samples) {
      if (s.length === 0 || results[i]!.failures[id]) continue;
      const t = summarize(s);
      results[i]!.timings[id] = t;
      console.log(`  ${id.padEnd(16)} lstm-train-${H} ${t.medianMs.toFixed(1)} ms (median of ${t.runs}, fastest ${t.minMs.toFixed(1)})`);
    }
  }
  engines['webgrad-webgpu'] = { ...engines['webgrad-webgpu'], dispatchesPerStep };
  console.log(formatReport(columns, results));
  console.log(`\nwrote ${writeBenchRecord('@webgrad/layers-recurrent-webgpu', { quick, columns, engines, results })}`);
  process.exit(0);
}

await main();
