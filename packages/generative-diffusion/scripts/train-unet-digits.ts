/**
 * Trains the small `UNet` denoiser on the 8x8 digits on the CPU and measures
 * what it learnt: the run documented in docs/diffusion.md ("Measured").
 *
 *   pnpm --filter @webgrad/generative-diffusion train:unet-digits [--steps=1000] [--base=16] [--batch=64] [--threads=2] [--eval-every=500]
 *
 * (`eval-every` is a multiple of 100.)
 *
 * The model is class-conditioned (labels dropped 10% of the time, so the same
 * network serves classifier-free guidance), v-prediction, 100 cosine steps,
 * Adam lr 2e-3 cosine-annealed to 0, images [B, 1, 8, 8] scaled to [−1, 1],
 * on the 80% training split. At the end it reads 200 DDIM samples (25 steps,
 * 20 asked for each digit) with the judge of the digits test (the 64-128-10
 * MLP of docs/nn.md, trained on the training split) with guidance 1 and 2,
 * and estimates the held-out variational bound in bits per pixel (17-level
 * data). It prints one JSON line per 100 steps (with the guided accuracy every
 * `eval-every` steps) and one with the results, and
 * leaves sample grids in test-artifacts/generative-diffusion/.
 */
import { join } from 'node:path';
import {
  Generator,
  configureCpu,
  indexSelect,
  manualSeed,
  randint,
  tensor,
  type Tensor,
} from '@webgrad/core-tensor';
import { Adam, CosineAnnealingLR } from '@webgrad/optim';
import { writePng } from '@webgrad/data';
import {
  DDPM,
  DiffusionSchedule,
  UNet,
  denoisingSequencePng,
  sampleGridPng,
  variationalBound,
} from '@webgrad/generative-diffusion';
import { ARTIFACTS } from '../test/artifacts.js';
import { digitsSplit, trainDigitsJudge } from '../test/digits-judge.js';

const arg = (name: string, dflt: number): number =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const steps = arg('steps', 1000);
const base = arg('base', 16);
const batch = arg('batch', 64);
const evalEvery = arg('eval-every', 500);
const cpu = await configureCpu({ threads: arg('threads', 2) });
console.log(JSON.stringify({ cpu: cpu.path, threads: cpu.threads }));

manualSeed(0);
const split = digitsSplit();
const read = trainDigitsJudge(split);
const image = (x: Tensor): Tensor => x.mul(2).sub(1).reshape([x.shape[0]!, 1, 8, 8]);
const pixels = image(split.xTrain);
const held = image(split.xTest);

const asked = tensor(
  Array.from({ length: 200 }, (_, i) => i % 10),
  { dtype: 'int32' },
);
const unet = new UNet({ baseChannels: base, channelMults: [1, 2], numClasses: 10 });
const ddpm = new DDPM(unet, DiffusionSchedule.cosine(100), { prediction: 'v', clipDenoised: true });
const parameters = ddpm.parameters().reduce((n, p) => n + p.size, 0);
const adam = new Adam(ddpm.parameters(), { lr: 2e-3 });
const schedule = new CosineAnnealingLR(adam, { tMax: steps });
const started = performance.now();
const cpuAtStart = process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
let sinceLog = 0;
for (let step = 1; step <= steps; step++) {
  const rows = randint(0, pixels.shape[0]!, [batch]);
  const [x, y] = [indexSelect(pixels, 0, rows), indexSelect(split.yTrain, 0, rows)];
  sinceLog += await ddpm.trainStep(adam, x, { labels: y, labelDropout: 0.1 });
  for (const t of [rows, x, y]) t.dispose();
  schedule.step();
  if (step % 100 === 0) {
    const seconds = (performance.now() - started) / 1000;
    const progress: Record<string, number> = {
      step,
      loss: +(sinceLog / 100).toFixed(4),
      seconds: +seconds.toFixed(1),
    };
    if (step % evalEvery === 0 && step < steps) {
      const samples = ddpm.sampleDdim([200, 1, 8, 8], {
        steps: 25,
        labels: asked,
        guidanceScale: 2,
      }).samples;
      progress.guidance2Accuracy = read(samples, asked).accuracy;
      samples.dispose();
    }
    console.log(JSON.stringify(progress));
    sinceLog = 0;
  }
}
const trainSeconds = (performance.now() - started) / 1000;
const trainCpuSeconds =
  process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 - cpuAtStart;
console.log(
  JSON.stringify({
    model: `UNet base ${base}, mults [1, 2], ${parameters} parameters`,
    steps,
    batch,
    trainSeconds: +trainSeconds.toFixed(1),
    trainCpuSeconds: +trainCpuSeconds.toFixed(1),
    secondsPerStep: +(trainSeconds / steps).toFixed(3),
  }),
);

const samplingStarted = performance.now();
const guidedSamples = ddpm.sampleDdim([200, 1, 8, 8], {
  steps: 25,
  labels: asked,
  guidanceScale: 2,
}).samples;
const samplingSeconds = (performance.now() - samplingStarted) / 1000;
const guided = read(guidedSamples, asked);
const plain = read(
  ddpm.sampleDdim([200, 1, 8, 8], { steps: 25, labels: asked, guidanceScale: 1 }).samples,
  asked,
);
const unconditionalRun = ddpm.sample([100, 1, 8, 8], { returnTrajectory: true });
// the labels mean nothing for unconditional samples: only the judge's confidence is read
const unconditional = read(unconditionalRun.samples, asked.narrow(0, 0, 100)).confidence;
console.log(
  JSON.stringify({
    ddimSeconds200Samples: +samplingSeconds.toFixed(1),
    guidance1: { accuracy: plain.accuracy, confidence: +plain.confidence.toFixed(3) },
    guidance2: { accuracy: guided.accuracy, confidence: +guided.confidence.toFixed(3) },
    unconditionalConfidence: +unconditional.toFixed(3),
  }),
);
await writePng(
  join(ARTIFACTS, 'unet-digits-guided.png'),
  await sampleGridPng(guidedSamples.narrow(0, 0, 100), { columns: 10 }),
);
await writePng(
  join(ARTIFACTS, 'unet-digits-unconditional.png'),
  await sampleGridPng(unconditionalRun.samples, { columns: 10 }),
);
await writePng(
  join(ARTIFACTS, 'unet-digits-denoising.png'),
  await denoisingSequencePng(unconditionalRun, { frames: 11 }),
);
const bits = (variance: 'posterior' | 'beta'): number =>
  variationalBound(ddpm.model, held, {
    schedule: ddpm.schedule,
    prediction: 'v',
    variance,
    levels: 17,
    labels: split.yTest,
    generator: new Generator(9),
  })
    .total.mean()
    .item();
console.log(
  JSON.stringify({
    boundBitsPerPixel: { posterior: +bits('posterior').toFixed(3), beta: +bits('beta').toFixed(3) },
  }),
);
