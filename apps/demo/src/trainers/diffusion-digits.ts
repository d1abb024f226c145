import { DiffusionSchedule, denoisingSequencePng, sampleGridPng } from 'webgrad';
import { digitsSplit } from '../worker/digits-split.js';
import {
  diffusionTrainer,
  type DiffusionRequests,
  type DiffusionView,
} from '../worker/diffusion-trainer.js';
import type { Trainer } from '../worker/serve-trainer.js';

/** The page's trainer, created by the training worker (`src/worker/training.worker.ts`). */
export function createTrainer(): Trainer<DiffusionView, DiffusionRequests> {
  // pixels in [0, 1] scaled to [−1, 1], the range the sampler clips its estimates to
  const data = digitsSplit().xTrain.mul(2).sub(1);
  return diffusionTrainer({
    data,
    denoiser: { dataDim: 64, hiddenDim: 128, numBlocks: 3 },
    schedule: DiffusionSchedule.cosine(100),
    ddpm: { prediction: 'v', clipDenoised: true },
    lr: 2e-3,
    batchSize: 128,
    count: 16,
    picture: (samples) => sampleGridPng(samples, { range: [-1, 1], columns: 8, scale: 5 }),
    strip: (run) => denoisingSequencePng(run, { frames: 8, examples: 8, range: [-1, 1], scale: 3 }),
  });
}
