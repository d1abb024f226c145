/**
 * The WebGPU half of this package's `pnpm bench`: the digits DDPM's train
 * step and DDIM sampling on webgrad's WebGPU backend against
 * `@tensorflow/tfjs-backend-webgpu`, in one process on one adapter, with
 * webgrad's CPU backend in the same run for scale (core-tensor's
 * `webgpu/webgpu-harness.ts` runs it). Writes
 * `bench/results/generative-diffusion-webgpu-<time>.json`; without an adapter
 * it says so and exits 0 (a benchmark is not a test).
 *
 * Flags: `--quick` (two timed runs each: checks the harness, not the speed).
 */
import { DEFAULT_BUDGET, QUICK_BUDGET } from '../../core-tensor/bench/timing.js';
import { runModelBenchOnWebgpu } from '../../core-tensor/bench/webgpu/webgpu-harness.js';
import { DDPM_CASES, tfjsDdpm, webgradDdpm } from './ddpm-model.js';

const quick = process.argv.includes('--quick');
await runModelBenchOnWebgpu({
  name: 'generative-diffusion',
  packageName: '@webgrad/generative-diffusion',
  suite: 'ddpm on webgpu',
  cases: DDPM_CASES,
  build: (column, tf) =>
    column === 'tfjs-webgpu'
      ? tfjsDdpm(tf!, 'async')
      : webgradDdpm(column === 'webgrad-webgpu' ? 'webgpu' : 'cpu'),
  unit: 'images',
  budget: quick ? QUICK_BUDGET : { ...DEFAULT_BUDGET, minRuns: 3 },
  quick,
});
