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
import { findBackend, init, setBackend } from '@webgrad/core-tensor';
import type { Tfjs } from '../bench-case.js';
import { formatReport, type CaseResult, type Column } from '../report.js';
import { DEFAULT_BUDGET, QUICK_BUDGET, type TimingBudget } from '../timing.js';
import { measureAsync, shareNavigatorGpu, writeBenchRecord } from './webgpu-harness.js';
import { WEBGPU_CASES, type GpuStep } from './webgpu-cases.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').filter(Boolean) ?? [];
const budget: TimingBudget = quick ? QUICK_BUDGET : { ...DEFAULT_BUDGET, minRuns: 3 };

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
      // float16 for the matmul-f16 cases (where the adapter has 'shader-f16'; float32 work is unaffected)
      await init({ backend: 'webgpu', float16: true });
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
        const t = await measureAsync(() => step!.run(), budget);
        results[i]!.timings[col.id] = t;
        console.log(`  ${col.id.padEnd(16)} ${c.key.padEnd(12)} ${t.medianMs.toFixed(1)} ms ${(c.flops / t.medianMs / 1e6).toFixed(1)} GFLOP/s (median of ${t.runs})`);
        if (col.id === 'webgrad-webgpu') {
          // dispatches per step: what fused kernels (cells, layer norm, optimizer updates) cut, independent of the machine's load
          const count = (): number => findBackend('webgpu').info().details.dispatches as number;
          const before = count();
          await step.run();
          const perStep = count() - before;
          const record = (engines['webgrad-webgpu'] ??= {});
          record.dispatchesPerStep = { ...(record.dispatchesPerStep as Record<string, number> | undefined), [c.key]: perStep };
          console.log(`  ${''.padEnd(16)} ${c.key.padEnd(12)} ${perStep} dispatches per run`);
        }
      } catch (e) {
        results[i]!.failures[col.id] = (e as Error).message.split('\n')[0]!;
        console.log(`  ${col.id.padEnd(16)} ${c.key.padEnd(12)} failed: ${(e as Error).message}`);
      } finally {
        step?.dispose();
      }
    }
  }
  console.log(formatReport(columns, results));
  console.log(`\nwrote ${writeBenchRecord('@webgrad/core-tensor-webgpu', { quick, columns, engines, results })}`);
  process.exit(0);
}

await main();
