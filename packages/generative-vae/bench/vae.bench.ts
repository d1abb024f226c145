import type { BenchSuite } from '../../core-tensor/bench/bench-case.js';
import { VAE_CASES, tfjsVae, webgradVae } from './vae-model.js';

/**
 * The VAE on the CPU against tfjs, in `pnpm bench` (run by core-tensor's
 * harness: `tsx ../core-tensor/bench/run.ts`). Images per second are a
 * case's images per run (TRAIN_BATCH, SAMPLE_BATCH) ÷ its median. One model
 * per case and engine, freed after.
 */
export const suite: BenchSuite = {
  name: 'vae',
  cases: VAE_CASES.map((c) => ({
    key: c.key,
    title: c.title,
    webgrad() {
      const m = webgradVae('cpu');
      return { run: () => void c.run(m), dispose: () => m.dispose() };
    },
    tfjs(tf) {
      const m = tfjsVae(tf);
      return { run: () => void c.run(m), dispose: () => m.dispose() };
    },
  })),
};
