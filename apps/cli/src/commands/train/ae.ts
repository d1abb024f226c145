import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Generator, manualSeed, type Tensor } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import {
  Autoencoder,
  DenoisingAutoencoder,
  SparseAutoencoder,
  corruptInput,
  reconstructionLoss,
  reconstructionsPng,
  type CorruptionKind,
} from '@webgrad/generative-vae';
import { describeBackend, setUpBackend } from '../../backend-setup.js';
import { CliError } from '../../cli-error.js';
import { digitsSplit } from '../../digits-split.js';
import { readScalar } from '../../read-scalar.js';
import { lossCurvePng } from '../../loss-curve.js';
import { MetricsLog } from '../../metrics-log.js';
import { parsePositiveInt, parsePositiveNumber } from '../../option-parsers.js';
import { prepareRun, resumableTrainCommand, trainResumable, type ResumableTrainOptions, type RunConfig } from '../../resumable-run.js';
import { epochBatch } from '../../step-data.js';
import { formatLoss } from '../../training-progress.js';

const ARCHS = ['mlp', 'conv'] as const;
const VARIANTS = ['plain', 'denoising', 'sparse'] as const;
const NOISES: readonly CorruptionKind[] = ['masking', 'gaussian', 'saltAndPepper'];

/** What defines an autoencoder run (options of the command, fields of its `config.json`). */
interface AeSettings {
  /** MLP or convolutional encoder and decoder. */
  arch: (typeof ARCHS)[number];
  /** Plain, denoising or sparse. */
  variant: (typeof VARIANTS)[number];
  /** Size of the code. */
  codeSize: number;
  /** Hidden units of the MLP (ignored by the conv net). */
  hiddenSize: number;
  /** Images per batch. */
  batchSize: number;
  /** Denoising: the corruption. */
  noise: CorruptionKind;
  /** Denoising: the noise std or fraction of values destroyed. */
  noiseLevel: number;
  /** Sparse: the target mean activation ρ. */
  rho: number;
  /** Sparse: the weight β of the penalty. */
  sparsityWeight: number;
}

/** Options of `webgrad train ae`. */
interface AeOptions extends ResumableTrainOptions, AeSettings {}

/** How an autoencoder run is built: its checkpoint's `config.json`. */
export interface AeConfig extends RunConfig, AeSettings {}

/** Options that define the run; a resumed run must not change them. */
const FIXED_ON_RESUME = ['arch', 'variant', 'codeSize', 'hiddenSize', 'batchSize', 'noise', 'noiseLevel', 'rho', 'sparsityWeight'];
/** Fraction of the digits held out. */
export const AE_TEST_FRACTION = 0.2;

/** Parses a fraction in (0, 1). */
function parseFraction(value: string): number {
  const n = parsePositiveNumber(value);
  if (n >= 1) throw new InvalidArgumentError('expected a number between 0 and 1');
  return n;
}

/** The autoencoder of a config (initialised from the global RNG). */
export function buildAutoencoder(cfg: AeConfig): Autoencoder {
  if (cfg.variant === 'sparse')
    return SparseAutoencoder.mlp({ inputSize: 64, hiddenSizes: [cfg.hiddenSize], codeSize: cfg.codeSize, rho: cfg.rho, beta: cfg.sparsityWeight });
  const base =
    cfg.arch === 'conv'
      ? Autoencoder.conv({ imageShape: [1, 8, 8], codeSize: cfg.codeSize })
      : Autoencoder.mlp({ inputSize: 64, hiddenSizes: [cfg.hiddenSize], codeSize: cfg.codeSize });
  if (cfg.variant === 'denoising')
    return new DenoisingAutoencoder(base.encoder, base.decoder, { corruption: { kind: cfg.noise, level: cfg.noiseLevel } });
  return base;
}

/** Flat [N, 64] images in the layout the autoencoder reads ([N, 1, 8, 8] for the conv net). */
export function aeInput(cfg: AeConfig, flat: Tensor): Tensor {
  return cfg.arch === 'conv' ? flat.reshape([flat.shape[0]!, 1, 8, 8]) : flat;
}

/** The mean reconstruction error ½‖x − x̂‖² per image of the clean `x` (no corruption, no penalty). */
export function reconstructionError(model: Autoencoder, x: Tensor): Promise<number> {
  return readScalar(() => reconstructionLoss(model.forward(x), x, model.likelihood).mean());
}

/**
 * `webgrad train ae`: an autoencoder (MLP or convolutional; plain,
 * denoising or sparse) on the shipped 8×8 digits, reporting the held-out
 * reconstruction error and writing a grid of test digits and their
 * reconstructions.
 */
export function aeCommand(): Command {
  return resumableTrainCommand('ae', 'train an autoencoder (MLP or conv; plain, denoising or sparse) on the 8x8 digits; held-out reconstruction error and a reconstruction grid PNG', { steps: 600, lr: 0.003, seed: 0, optimizer: 'adam', schedule: 'cosine', clip: false })
    .addOption(new Option('--arch <name>', 'encoder and decoder: MLP or convolutional').choices(ARCHS).default('mlp'))
    .addOption(new Option('--variant <name>', 'plain; denoising (reconstruct clean from corrupted); sparse (KL sparsity penalty on sigmoid codes, MLP only)').choices(VARIANTS).default('plain'))
    .option('--code-size <n>', 'size of the code', parsePositiveInt, 16)
    .option('--hidden-size <n>', 'hidden units of the MLP', parsePositiveInt, 128)
    .option('--batch-size <n>', 'images per batch', parsePositiveInt, 64)
    .addOption(new Option('--noise <kind>', 'denoising: the corruption').choices(NOISES).default('masking'))
    .option('--noise-level <x>', 'denoising: gaussian noise std, or fraction of pixels destroyed', parsePositiveNumber, 0.25)
    .option('--rho <p>', 'sparse: target mean activation of each code unit, in (0, 1)', parseFraction, 0.05)
    .option('--sparsity-weight <beta>', 'sparse: weight of the KL sparsity penalty', parsePositiveNumber, 3)
    .action(async (options: AeOptions, command: Command) => {
      await trainAe(options, command);
    });
}

async function trainAe(options: AeOptions, command: Command): Promise<void> {
  if (options.variant === 'sparse' && options.arch === 'conv')
    throw new CliError('--variant sparse needs --arch mlp (its code units are sigmoids of an MLP layer)', { hint: 'drop --arch conv' });
  if (options.noise !== 'gaussian' && options.noiseLevel >= 1)
    throw new CliError(`--noise-level ${options.noiseLevel} is not a fraction of pixels`, { hint: `pass --noise-level below 1 for --noise ${options.noise}` });
  const run = await prepareRun<AeConfig>('ae', options, command, FIXED_ON_RESUME);
  const cfg = run.config;
  await MetricsLog.using(options.metrics, async (metrics) => {
    const info = await setUpBackend(options.backend);
    const out = process.stdout;
    const { xTrain, xTest } = digitsSplit(cfg.seed, AE_TEST_FRACTION, info.name);
    manualSeed(cfg.seed);
    const model = buildAutoencoder(cfg);
    const nParams = model.parameters().reduce((n, p) => n + p.size, 0);
    const what =
      cfg.variant === 'denoising'
        ? `denoising (${cfg.noise} ${cfg.noiseLevel})`
        : cfg.variant === 'sparse'
          ? `sparse (rho ${cfg.rho}, weight ${cfg.sparsityWeight})`
          : 'plain';
    out.write(`webgrad train ae: ${what} ${cfg.arch} autoencoder, code size ${cfg.codeSize}, ${nParams} parameters, on the 8x8 digits\n`);
    out.write(`backend: ${describeBackend(info)}\n`);
    out.write(
      `${xTrain.shape[0]} training / ${xTest.shape[0]} test images; steps ${cfg.steps}, batch ${cfg.batchSize}, ${cfg.optimizer} lr ${cfg.lr} (${cfg.schedule}), seed ${cfg.seed}\n`,
    );
    const result = await trainResumable({
      run,
      options,
      model,
      metrics,
      loss: (index) => model.loss(aeInput(cfg, epochBatch(xTrain, null, cfg.batchSize, cfg.seed, index).x)),
    });
    if (!result.finished) return;
    const test = aeInput(cfg, xTest);
    const heldOut = await reconstructionError(model, test);
    const pictures = ['loss.png', 'reconstructions.png'];
    await writeFile(join(run.outDir, 'loss.png'), lossCurvePng(result.losses));
    await writeFile(join(run.outDir, 'reconstructions.png'), await reconstructionsPng(model, test.narrow(0, 0, 32)));
    if (cfg.variant === 'denoising') {
      const corrupted = noGrad(() => corruptInput(test.narrow(0, 0, 32), { kind: cfg.noise, level: cfg.noiseLevel, generator: new Generator(cfg.seed + 1) }));
      await writeFile(join(run.outDir, 'denoised.png'), await reconstructionsPng(model, corrupted));
      pictures.push('denoised.png');
    }
    out.write(`\n${result.summary()}\n`);
    out.write(`held-out reconstruction error ½‖x − x̂‖²: ${formatLoss(heldOut)} per image\n`);
    if (model instanceof SparseAutoencoder) {
      const activation = await readScalar(() => model.meanActivation(test).mean());
      out.write(`mean code activation on the test images: ${activation.toFixed(4)} (target rho ${cfg.rho})\n`);
    }
    await result.saveResults({ heldOutReconstruction: heldOut });
    out.write(`saved: ${run.outDir} (checkpoint, ${pictures.join(', ')}: rows of test digits above their reconstructions)\n`);
  });
}
