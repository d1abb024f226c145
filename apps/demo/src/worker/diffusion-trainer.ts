import {
  Adam,
  DDPM,
  Generator,
  MlpDenoiser,
  indexSelect,
  manualSeed,
  randint,
  type DDPMOptions,
  type DiffusionSchedule,
  type MlpDenoiserOptions,
  type SamplingResult,
  type Tensor,
} from 'webgrad';
import type { Trainer } from './serve-trainer.js';

/** A diffusion page's picture while it trains: a quick DDIM sample. */
export interface DiffusionView {
  preview: Uint8Array;
}

/** The answer to a `sample` request: z_T → z_0 as one picture per state. */
export interface DiffusionAnimation {
  /** PNG of the state before each step (z_T first) and after the last (z_0). */
  frames: Uint8Array[];
  /** The timestep each frame is at (T for z_T, then the step just taken, down to 0). */
  timesteps: number[];
  /** The whole sequence in one picture (the package's denoising-sequence picture). */
  strip: Uint8Array;
}

/** The requests of a diffusion page's worker. */
export type DiffusionRequests = {
  /** Draws `count` samples by ancestral DDPM sampling from a seed and returns every state as a picture. */
  sample(arg: { seed: number }): Promise<DiffusionAnimation>;
};

/** What differs between the diffusion pages: the data, the model and how a state is drawn. */
export interface DiffusionSetup {
  /** The training set x₀, [N, D], already scaled for diffusion. */
  data: Tensor;
  denoiser: MlpDenoiserOptions;
  schedule: DiffusionSchedule;
  ddpm?: DDPMOptions;
  lr: number;
  batchSize: number;
  /** Samples drawn per animation. */
  count: number;
  /** A PNG of samples [count, D] (one animation frame, or the preview). */
  picture(samples: Tensor): Promise<Uint8Array>;
  /** A PNG of a whole sampling run (drawn with its trajectory). */
  strip(run: SamplingResult): Promise<Uint8Array>;
}

/**
 * The trainer of a diffusion page: a DDPM with an MLP denoiser trained on
 * random minibatches of `setup.data` with the ε-, x₀- or v-prediction loss,
 * a 10-step DDIM preview while it trains, and on request an ancestral DDPM
 * sampling run returned frame by frame for the page to animate.
 */
export function diffusionTrainer(setup: DiffusionSetup): Trainer<DiffusionView, DiffusionRequests> {
  const n = setup.data.shape[0]!;
  let ddpm: DDPM<MlpDenoiser>;
  let optimizer: Adam;
  let batchDraws: Generator;
  return {
    build() {
      manualSeed(0);
      ddpm = new DDPM(new MlpDenoiser(setup.denoiser), setup.schedule, setup.ddpm);
      optimizer = new Adam(ddpm.parameters(), { lr: setup.lr });
      batchDraws = new Generator(1);
    },
    async step() {
      const rows = randint(0, n, [setup.batchSize], { generator: batchDraws });
      const batch = indexSelect(setup.data, 0, rows);
      const loss = await ddpm.trainStep(optimizer, batch);
      rows.dispose();
      batch.dispose();
      return [loss];
    },
    async view() {
      const { samples } = ddpm.sampleDdim([setup.count, setup.data.shape[1]!], {
        steps: 10,
        generator: new Generator(2),
      });
      const preview = await setup.picture(samples);
      samples.dispose();
      return { preview };
    },
    viewEvery: 50,
    requests: {
      async sample({ seed }) {
        const run = ddpm.sample([setup.count, setup.data.shape[1]!], {
          generator: new Generator(seed),
          returnTrajectory: true,
        });
        const states = run.trajectory!;
        const timesteps = [setup.schedule.numTimesteps, ...run.timesteps];
        const frames: Uint8Array[] = [];
        for (const state of states) frames.push(await setup.picture(state));
        const strip = await setup.strip(run);
        for (const t of new Set([...states, ...(run.predictedX0 ?? []), run.samples])) t.dispose();
        return { frames, timesteps, strip };
      },
    },
  };
}
