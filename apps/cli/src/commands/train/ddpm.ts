import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { Generator, manualSeed, type Tensor } from '@webgrad/core-tensor';
import { twoMoons } from '@webgrad/data';
import {
  DDPM,
  DiffusionSchedule,
  MlpDenoiser,
  PREDICTIONS,
  denoisingSequencePng,
  sampleGridPng,
  samplesVersusDataPng,
  trajectoryScatterPng,
  type Prediction,
  type SamplingResult,
} from '@webgrad/generative-diffusion';
import { describeBackend, setUpBackend } from '../../backend-setup.js';
import { CliError } from '../../cli-error.js';
import { digitsSplit } from '../../digits-split.js';
import { readScalar } from '../../read-scalar.js';
import { lossCurvePng } from '../../loss-curve.js';
import { MetricsLog } from '../../metrics-log.js';
import { parsePositiveInt } from '../../option-parsers.js';
import { prepareRun, resumableTrainCommand, trainResumable, type ResumableTrainOptions, type RunConfig } from '../../resumable-run.js';
import { epochBatch, stepSeed } from '../../step-data.js';
import { formatLoss } from '../../training-progress.js';

const DATASETS = ['moons', 'digits'] as const;
/** Samplers `--sampler` accepts. */
export const SAMPLERS = ['ddim', 'ddpm'] as const;
/** How samples are drawn. */
export type Sampler = (typeof SAMPLERS)[number];

/** What defines a diffusion run (options of the command, fields of its `config.json`). */
interface DdpmSettings {
  /** Two moons (2-D points) or the 8×8 digits (64 pixels scaled to [−1, 1]). */
  data: (typeof DATASETS)[number];
  /** Diffusion steps T of the cosine schedule. */
  timesteps: number;
  /** What the denoiser predicts. */
  prediction: Prediction;
  /** Hidden width of the MLP denoiser. */
  hiddenSize: number;
  /** Residual blocks of the MLP denoiser. */
  blocks: number;
  /** Examples per batch. */
  batchSize: number;
}

/** Options of `webgrad train ddpm`. */
interface DdpmOptions extends ResumableTrainOptions, DdpmSettings {
  sampler: Sampler;
  sampleSteps: number;
  samples?: number;
}

/** How a diffusion run is built: its checkpoint's `config.json`. */
export interface DdpmConfig extends RunConfig, DdpmSettings {}

/** Options that define the run; a resumed run must not change them. */
const FIXED_ON_RESUME = ['data', 'timesteps', 'prediction', 'hiddenSize', 'blocks', 'batchSize'];
/** Points of the two-moons training set. */
const MOONS = 2048;

/** The model of a config (initialised from the global RNG). */
export function buildDdpm(cfg: DdpmConfig): DDPM {
  const net = new MlpDenoiser({ dataDim: cfg.data === 'moons' ? 2 : 64, hiddenDim: cfg.hiddenSize, numBlocks: cfg.blocks, timeEmbedDim: 32 });
  return new DDPM(net, DiffusionSchedule.cosine(cfg.timesteps), { prediction: cfg.prediction, clipDenoised: cfg.data === 'digits' });
}

/** The training data of a run: moons points [N, 2], or digit images [N, 64] scaled to [−1, 1]. */
export function ddpmData(cfg: DdpmConfig, backend: string): Tensor {
  if (cfg.data === 'moons') return twoMoons({ numSamples: MOONS, noise: 0.05, seed: stepSeed(cfg.seed, -1), backend }).points;
  return digitsSplit(cfg.seed, 0.2, backend).xTrain.mul(2).sub(1);
}

/**
 * Draws `n` samples with the chosen sampler (DDIM with `steps` steps, or
 * ancestral DDPM over all T), keeping the trajectory for the pictures, and
 * writes `samples.png` (a grid of digits, or samples over the data for
 * moons) and `denoising.png` (noise to sample) into `dir`.
 */
export async function writeDdpmPictures(
  ddpm: DDPM,
  cfg: DdpmConfig,
  data: Tensor,
  dir: string,
  sampling: { sampler: Sampler; steps: number; n: number; seed: number; prefix?: string },
): Promise<string[]> {
  const dim = cfg.data === 'moons' ? 2 : 64;
  const options = { generator: new Generator(sampling.seed), returnTrajectory: true };
  const result: SamplingResult =
    sampling.sampler === 'ddim' ? ddpm.sampleDdim([sampling.n, dim], { ...options, steps: sampling.steps }) : ddpm.sample([sampling.n, dim], options);
  const prefix = sampling.prefix ?? '';
  const files = [`${prefix}samples.png`, `${prefix}denoising.png`];
  try {
    if (cfg.data === 'moons') {
      await writeFile(join(dir, files[0]!), await samplesVersusDataPng(result.samples, data));
      await writeFile(join(dir, files[1]!), await trajectoryScatterPng(result, { frames: 6 }));
    } else {
      await writeFile(join(dir, files[0]!), await sampleGridPng(result.samples));
      await writeFile(join(dir, files[1]!), await denoisingSequencePng(result, { frames: 8, examples: Math.min(8, sampling.n) }));
    }
  } finally {
    result.samples.dispose();
    for (const t of [...(result.trajectory ?? []), ...(result.predictedX0 ?? [])]) t.dispose();
  }
  return files;
}

/** Adds `--sampler`, `--sample-steps` and `--samples` (shared with `webgrad sample`). */
export function addSamplingOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--sampler <name>', 'DDIM (deterministic, --sample-steps steps) or ancestral DDPM (all T steps)').choices(SAMPLERS).default('ddim'))
    .option('--sample-steps <n>', 'DDIM steps', parsePositiveInt, 25)
    .option('--samples <n>', 'pictures: how many (default: ddpm 64 digits or 1000 points, vae 64, ae 32)', parsePositiveInt);
}

/**
 * The DDIM steps to sample with: `--sample-steps`, which may not exceed the
 * model's T, or by default 25 (at most T).
 */
export function ddimSteps(options: { sampler: Sampler; sampleSteps: number }, command: Command, timesteps: number): number {
  if (command.getOptionValueSource('sampleSteps') !== 'cli') return Math.min(options.sampleSteps, timesteps);
  if (options.sampler === 'ddim' && options.sampleSteps > timesteps)
    throw new CliError(`--sample-steps ${options.sampleSteps} exceeds the ${timesteps} diffusion steps`, { hint: `pass --sample-steps at most ${timesteps}` });
  return options.sampleSteps;
}

/**
 * `webgrad train ddpm`: a denoising diffusion model (residual MLP denoiser,
 * cosine schedule) on two moons or the 8×8 digits; reports the held-out
 * loss and writes samples and the denoising sequence as PNGs.
 */
export function ddpmCommand(): Command {
  const cmd = resumableTrainCommand('ddpm', 'train a denoising diffusion model on two moons or the 8x8 digits; sample grid / scatter PNG and the denoising sequence', { steps: 1500, lr: 0.002, seed: 0, optimizer: 'adam', schedule: 'cosine', clip: 1 });
  cmd
    .addOption(new Option('--data <name>', 'two moons (2-D points) or the 8x8 digits').choices(DATASETS).default('moons'))
    .option('--timesteps <n>', 'diffusion steps T of the cosine schedule', parsePositiveInt, 100)
    .addOption(new Option('--prediction <what>', 'what the denoiser predicts').choices(PREDICTIONS).default('v'))
    .option('--hidden-size <n>', 'hidden width of the MLP denoiser', parsePositiveInt, 128)
    .option('--blocks <n>', 'residual blocks of the MLP denoiser', parsePositiveInt, 3)
    .option('--batch-size <n>', 'examples per batch', parsePositiveInt, 128);
  return addSamplingOptions(cmd).action(async (options: DdpmOptions, command: Command) => {
    await trainDdpm(options, command);
  });
}

async function trainDdpm(options: DdpmOptions, command: Command): Promise<void> {
  const run = await prepareRun<DdpmConfig>('ddpm', options, command, FIXED_ON_RESUME);
  const cfg = run.config;
  const sampleSteps = ddimSteps(options, command, cfg.timesteps);
  await MetricsLog.using(options.metrics, async (metrics) => {
    const info = await setUpBackend(options.backend);
    const out = process.stdout;
    const data = ddpmData(cfg, info.name);
    manualSeed(cfg.seed);
    const ddpm = buildDdpm(cfg);
    const nParams = ddpm.parameters().reduce((n, p) => n + p.size, 0);
    out.write(
      `webgrad train ddpm: ${cfg.data === 'moons' ? `two moons (${MOONS} points)` : `8x8 digits (${data.shape[0]} training images in [-1, 1])`}; MLP denoiser ${cfg.hiddenSize}×${cfg.blocks} blocks, ${nParams} parameters, ${cfg.prediction}-prediction, cosine schedule T = ${cfg.timesteps}\n`,
    );
    out.write(`backend: ${describeBackend(info)}\n`);
    out.write(`steps ${cfg.steps}, batch ${cfg.batchSize}, ${cfg.optimizer} lr ${cfg.lr} (${cfg.schedule}), clip ${cfg.clip ?? 'off'}, seed ${cfg.seed}\n`);
    const result = await trainResumable({
      run,
      options,
      model: ddpm,
      metrics,
      // t and ε come from the default generator, whose state a checkpoint keeps
      loss: (index) => ddpm.loss(epochBatch(data, null, cfg.batchSize, cfg.seed, index).x),
    });
    if (!result.finished) return;
    // the loss averaged over 8 draws of t and ε for 512 examples, from a stream of its own
    const evalGenerator = new Generator(cfg.seed + 1);
    const subset = data.narrow(0, 0, Math.min(512, data.shape[0]!));
    let heldOut = 0;
    for (let k = 0; k < 8; k++) heldOut += (await readScalar(() => ddpm.loss(subset, { generator: evalGenerator }))) / 8;
    const n = options.samples ?? (cfg.data === 'moons' ? 1000 : 64);
    const pictures = await writeDdpmPictures(ddpm, cfg, data, run.outDir, { sampler: options.sampler, steps: sampleSteps, n, seed: cfg.seed + 2 });
    await writeFile(join(run.outDir, 'loss.png'), lossCurvePng(result.losses));
    out.write(`\n${result.summary()}\n`);
    out.write(`denoising loss (averaged over t and ε): ${formatLoss(heldOut)}\n`);
    await result.saveResults({ evalLoss: heldOut });
    out.write(`${n} samples with ${options.sampler === 'ddim' ? `DDIM, ${sampleSteps} steps` : `ancestral DDPM, ${cfg.timesteps} steps`}\n`);
    out.write(`saved: ${run.outDir} (checkpoint, loss.png, ${pictures.join(', ')}); more samples with 'webgrad sample ${run.outDir}'\n`);
  });
}
