import {
  DiffusionSchedule,
  denoisingSequencePng,
  indexSelect,
  loadDigits,
  sampleGridPng,
  trainTestSplit,
} from 'webgrad';
import { diffusionTrainer } from '../worker/diffusion-trainer.js';
import { serveTrainer } from '../worker/serve-trainer.js';

serveTrainer(() => {
  const { images } = loadDigits();
  const { train } = trainTestSplit(images.shape[0]!, { testFraction: 0.2, seed: 0 });
  // pixels in [0, 1] scaled to [−1, 1], the range the sampler clips its estimates to
  const data = indexSelect(images, 0, train).mul(2).sub(1);
  return diffusionTrainer({
    data,
    denoiser: { dataDim: 64, hiddenDim: 128, numBlocks: 3 },
    schedule: DiffusionSchedule.cosine(100),
    ddpm: { prediction: 'v', clipDenoised: true },
    lr: 2e-3,
    batchSize: 128,
    count: 16,
    picture: (samples) => sampleGridPng(samples, { range: [-1, 1], columns: 8, scale: 5 }),
    strip: (run) =>
      denoisingSequencePng(run, { frames: 8, examples: 8, range: [-1, 1], scale: 3 }),
  });
});
