/**
 * The WebGPU half of `pnpm bench`: webgrad's WebGPU backend against
 * `@tensorflow/tfjs-backend-webgpu`, side by side in one process on the same
 * adapter (Node: the `webgpu` package, i.e. Dawn; both libraries get the same
 * `navigator.gpu`). Prints medians, GFLOP/s and ratios with the CPU harness's
 * report format and writes `bench/results/core-tensor-webgpu-<time>.json`.
 * Without an adapter it says so and exits 0 (a benchmark is not a test).
 *
 * The two libraries are measured in `--rounds=N` (default 3) interleaved
 * rounds per case (webgrad, tfjs, webgrad, tfjs, ...), so a change in the
 * machine's load during a case reaches both columns alike; the reported
 * median is over every round's samples. The load average is recorded at the
 * start and the end of the run.
 *
 * Flags: `--quick` (two timed runs each, one round), `--only=key,key`,
 * `--rounds=N`, `--matmul-kernel=tiled|subgroup` (webgrad's WebGPU matmul
 * kernel instead of the one 'auto' picks for the adapter, for A/B runs).
 */
import { loadavg } from 'node:os';
import { findBackend, init, setBackend, setWebgpuMatmulKernel, webgpuMatmulKernel, type WebgpuMatmulKernel } from '@webgrad/core-tensor';
import type { Tfjs } from '../bench-case.js';
import { formatReport, type CaseResult, type Column } from '../report.js';
import { DEFAULT_BUDGET, QUICK_BUDGET, isSlow, perRound, summarize, type TimingBudget } from '../timing.js';
import { collectAsync, shareNavigatorGpu, writeBenchRecord } from './webgpu-harness.js';
import { WEBGPU_CASES, type GpuStep } from './webgpu-cases.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').filter(Boolean) ?? [];
const budget: TimingBudget = quick ? QUICK_BUDGET : { ...DEFAULT_BUDGET, minRuns: 3 };
const matmulKernel = args.find((a) => a.startsWith('--matmul-kernel='))?.slice('--matmul-kernel='.length) as WebgpuMatmulKernel | undefined;
const rounds = quick ? 1 : Math.max(1, Number(args.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? 3));

async function main(): Promise<void> {
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  const cases = WEBGPU_CASES.filter((c) => only.length === 0 || only.some((o) => c.key.startsWith(o)));
  const columns: Column[] = [
    { id: 'webgrad-webgpu', label: 'webgrad webgpu', isWebgrad: true },
    { id: 'tfjs-webgpu', label: 'tfjs-backend-webgpu', isWebgrad: false },
  ];
  const results: CaseResult[] = cases.map((c) => ({ key: c.key, title: c.title, suite: c.key.startsWith('matmul') ? 'webgpu matmul' : 'webgpu training step', flops: c.flops, timings: {}, failures: {} }));
  const engines: Record<string, Record<string, unknown>> = {};
  const loadAtStart = loadavg();
  console.log(`bench webgpu: ${cases.length} case(s) × 2 engines × ${rounds} round(s)${quick ? ' (quick: not a measurement)' : ''}, load average ${loadAtStart.map((l) => l.toFixed(1)).join(' ')}`);
  const noGpu = await shareNavigatorGpu();
  let webgradReady = noGpu;
  if (webgradReady === null) {
    try {
      // float16 for the matmul-f16 cases (where the adapter has 'shader-f16'; float32 work is unaffected)
      await init({ backend: 'webgpu', float16: true });
      setBackend('cpu');
      if (matmulKernel !== undefined) setWebgpuMatmulKernel(matmulKernel);
      engines['webgrad-webgpu'] = { ...findBackend('webgpu').info(), matmulKernel: webgpuMatmulKernel() };
      console.log(`webgrad's WebGPU matmul kernel: ${webgpuMatmulKernel()}`);
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
    // both engines' steps live through the case's rounds; a round times each once
    const steps = new Map<string, GpuStep>();
    const samples = new Map<string, number[]>();
    try {
      for (let round = 0; round < rounds; round++) {
        for (const col of columns) {
          if (col.skipped || results[i]!.failures[col.id]) continue;
          try {
            let step = steps.get(col.id);
            if (step === undefined) {
              step = col.id === 'webgrad-webgpu' ? c.webgrad() : c.tfjs(tf!);
              steps.set(col.id, step);
            }
            const before = samples.get(col.id) ?? [];
            const s = await collectAsync(() => step!.run(), perRound(budget, rounds, isSlow(before)));
            samples.set(col.id, [...before, ...s]);
            results[i]!.timings[col.id] = summarize(samples.get(col.id)!);
            const t = summarize(s);
            console.log(`  ${col.id.padEnd(16)} ${c.key.padEnd(12)} ${t.medianMs.toFixed(1)} ms ${(c.flops / t.medianMs / 1e6).toFixed(1)} GFLOP/s (median of ${t.runs}, round ${round + 1})`);
            if (col.id === 'webgrad-webgpu' && round === 0) {
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
          }
        }
      }
    } finally {
      for (const step of steps.values()) step.dispose();
    }
  }
  console.log(formatReport(columns, results));
  const loadAtEnd = loadavg();
  console.log(`load average at the end: ${loadAtEnd.map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`\nwrote ${writeBenchRecord('@webgrad/core-tensor-webgpu', { quick, rounds, loadAverage: { start: loadAtStart, end: loadAtEnd }, columns, engines, results })}`);
  process.exit(0);
}

await main();
