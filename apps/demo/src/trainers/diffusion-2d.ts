import {
  DiffusionSchedule,
  samplesVersusDataPng,
  trajectoryScatterPng,
  twoMoons,
  type PlotBounds,
} from 'webgrad';
import {
  diffusionTrainer,
  type DiffusionRequests,
  type DiffusionView,
} from '../worker/diffusion-trainer.js';
import type { Trainer } from '../worker/serve-trainer.js';

// fixed axes, wide enough for the starting noise z_T ~ N(0, I) and the moons
const bounds: PlotBounds = { xMin: -3, xMax: 3.5, yMin: -3, yMax: 3 };

/** The page's trainer, created by the training worker (`src/worker/training.worker.ts`). */
export function createTrainer(): Trainer<DiffusionView, DiffusionRequests> {
  const data = twoMoons({ numSamples: 2048, noise: 0.1, seed: 1 }).points;
  const shown = data.narrow(0, 0, 500);
  return diffusionTrainer({
    data,
    denoiser: { dataDim: 2, hiddenDim: 64, numBlocks: 2 },
    schedule: DiffusionSchedule.cosine(50),
    lr: 3e-3,
    batchSize: 256,
    count: 500,
    picture: (samples) => samplesVersusDataPng(samples, shown, { size: 300, bounds }),
    strip: (run) => trajectoryScatterPng(run, { frames: 6, size: 150, bounds }),
  });
}
