import type { BenchCase, BenchSuite } from '../../core-tensor/bench/bench-case.js';
import { DDPM_CASES, tfjsDdpm, webgradDdpm } from './ddpm-model.js';

/**
 * The digits DDPM on the CPU against tfjs, in `pnpm bench` (run by
 * core-tensor's harness: `tsx ../core-tensor/bench/run.ts`). Images per
 * second in training are TRAIN_BATCH ÷ the `ddpm-train-step` median; samples
 * per second SAMPLE_BATCH ÷ the `ddpm-sample` median. One model per case,
 * freed after.
 */
export const suite: BenchSuite = {
  name: 'ddpm',
  cases: DDPM_CASES.map((c): BenchCase => ({
    key: c.key,
    title: c.title,
    webgrad() {
      const m = webgradDdpm('cpu');
      return { run: () => void c.run(m), dispose: () => m.dispose() };
    },
    tfjs(tf) {
      const m = tfjsDdpm(tf);
      return { run: () => void c.run(m), dispose: () => m.dispose() };
    },
  })),
};
