import type { BenchCase, BenchSuite } from '../../core-tensor/bench/bench-case.js';
import {
  SAMPLE_BATCH,
  SIZES,
  TRAIN_BATCH,
  tfjsVae,
  webgradVae,
  type VaeBenchModel,
} from './vae-model.js';

const architecture = `${SIZES.input}-${SIZES.hidden}-${SIZES.latent}`;

/** A case timing one method of the VAE built for each engine (one model per case, freed after). */
function vaeCase(key: string, title: string, run: (m: VaeBenchModel) => void): BenchCase {
  return {
    key,
    title,
    webgrad() {
      const m = webgradVae('cpu');
      return { run: () => run(m), dispose: () => m.dispose() };
    },
    tfjs(tf) {
      const m = tfjsVae(tf);
      return { run: () => run(m), dispose: () => m.dispose() };
    },
  };
}

/**
 * The VAE on the CPU against tfjs, in `pnpm bench` (run by core-tensor's
 * harness: `tsx ../core-tensor/bench/run.ts`). Samples per second are
 * SAMPLE_BATCH ÷ the `vae-sample` median; images per second in training
 * TRAIN_BATCH ÷ the `vae-train-step` median.
 */
export const suite: BenchSuite = {
  name: 'vae',
  cases: [
    vaeCase(
      'vae-train-step',
      `VAE ${architecture} train step, batch ${TRAIN_BATCH}, Adam`,
      (m) => void m.trainStep(),
    ),
    vaeCase(
      'vae-sample',
      `VAE ${architecture}: decode ${SAMPLE_BATCH} prior samples`,
      (m) => void m.sample(),
    ),
  ],
};
