import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { Generator, manualSeed, type Tensor } from '@webgrad/core-tensor';
import { numBatches } from '@webgrad/data';
import { VAE, latentMapPng, reconstructionsPng, samplesPng } from '@webgrad/generative-vae';
import { describeBackend, setUpBackend } from '../../backend-setup.js';
import { digitsSplit } from '../../digits-split.js';
import { lossCurvePng } from '../../loss-curve.js';
import { MetricsLog } from '../../metrics-log.js';
import { parsePositiveInt, parsePositiveNumber } from '../../option-parsers.js';
import {
  prepareRun,
  resumableTrainCommand,
  stepsDefaultToEpochs,
  stepsOfEpochs,
  trainResumable,
  type ResumableTrainOptions,
  type RunConfig,
} from '../../resumable-run.js';
import { epochBatch } from '../../step-data.js';
import { formatLoss } from '../../training-progress.js';

/** What defines a VAE run (options of the command, fields of its `config.json`). */
interface VaeSettings {
  /** Passes over the training images (when --steps was not given). */
  epochs: number;
  /** Images per batch. */
  batchSize: number;
  /** Hidden units of encoder and decoder. */
  hiddenSize: number;
  /** Dimension of the latent space. */
  latentSize: number;
  /** Weight of the KL term. */
  beta: number;
}

/** Options of `webgrad train vae`. */
interface VaeOptions extends ResumableTrainOptions, VaeSettings {}

/** How a VAE run is built: its checkpoint's `config.json`. */
export interface VaeConfig extends RunConfig, VaeSettings {}

/** Fraction of the digits held out. */
export const VAE_TEST_FRACTION = 0.2;

/** The digits binarised at 0.5: [N, 64] of 0s and 1s. */
export function binarised(x: Tensor): Tensor {
  return x.ge(0.5).cast('float32');
}

/** The VAE of a config (initialised from the global RNG). */
export function buildVae(cfg: VaeConfig): VAE {
  return VAE.mlp({ inputSize: 64, hiddenSizes: [cfg.hiddenSize], latentSize: cfg.latentSize, beta: cfg.beta });
}

/**
 * `webgrad train vae`: a (β-)VAE with Bernoulli pixels on the binarised 8×8
 * digits, 64 → hidden → (μ, log σ²) ∈ ℝᵈ × ℝᵈ, z → hidden → 64 logits,
 * maximising the ELBO with KL weight β; reports the held-out ELBO and writes
 * samples from the prior, reconstructions and (for d = 2) the latent map as PNGs.
 */
export function vaeCommand(): Command {
  return stepsDefaultToEpochs(
    resumableTrainCommand('vae', 'train a (beta-)VAE on the binarised 8x8 digits; held-out ELBO, sample grid and reconstructions as PNG', { steps: 1, lr: 0.002, seed: 0, optimizer: 'adam', schedule: 'constant', clip: false }),
  )
    .option('--epochs <n>', 'passes over the training images (unless --steps is given)', parsePositiveInt, 30)
    .option('--batch-size <n>', 'images per batch', parsePositiveInt, 64)
    .option('--hidden-size <n>', 'hidden units of encoder and decoder', parsePositiveInt, 128)
    .option('--latent-size <n>', 'dimension d of the latent space', parsePositiveInt, 2)
    .option('--beta <b>', 'weight β of the KL term (1: the VAE, > 1: a β-VAE)', parsePositiveNumber, 1)
    .action(async (options: VaeOptions, command: Command) => {
      await trainVae(options, command);
    });
}

async function trainVae(options: VaeOptions, command: Command): Promise<void> {
  const perEpoch = numBatches(digitsSplit(options.seed, VAE_TEST_FRACTION, 'cpu').xTrain.shape[0]!, options.batchSize);
  const run = await prepareRun<VaeConfig>('vae', options, command, ['epochs', 'batchSize', 'hiddenSize', 'latentSize', 'beta'], () => ({
    steps: stepsOfEpochs(options, command, perEpoch),
  }));
  const cfg = run.config;
  await MetricsLog.using(options.metrics, async (metrics) => {
    const info = await setUpBackend(options.backend);
    const out = process.stdout;
    const split = digitsSplit(cfg.seed, VAE_TEST_FRACTION, info.name);
    const xTrain = binarised(split.xTrain);
    const xTest = binarised(split.xTest);
    manualSeed(cfg.seed);
    const vae = buildVae(cfg);
    out.write(`webgrad train vae: 64-${cfg.hiddenSize}-${cfg.latentSize} VAE, Bernoulli pixels, beta ${cfg.beta}, ${cfg.optimizer} lr ${cfg.lr}\n`);
    out.write(`backend: ${describeBackend(info)}\n`);
    out.write(`${xTrain.shape[0]} training / ${xTest.shape[0]} test images, ${cfg.steps} steps (${(cfg.steps / numBatches(xTrain.shape[0]!, cfg.batchSize)).toFixed(1)} epochs), seed ${cfg.seed}\n`);
    const result = await trainResumable({
      run,
      options,
      model: vae,
      metrics,
      // the reparameterisation's ε comes from the default generator, whose state a checkpoint keeps
      loss: (index) => vae.loss(epochBatch(xTrain, null, cfg.batchSize, cfg.seed, index).x).loss,
    });
    if (!result.finished) return;
    const elbo = vae.elbo(xTest, { samples: 10, generator: new Generator(cfg.seed + 1) }).mean();
    const heldOut = await elbo.itemAsync();
    elbo.dispose();
    await result.saveResults({ heldOutElbo: heldOut });
    await writeFile(join(run.outDir, 'loss.png'), lossCurvePng(result.losses));
    await writeFile(join(run.outDir, 'samples.png'), await samplesPng(vae, 64, { generator: new Generator(cfg.seed + 2) }));
    await writeFile(join(run.outDir, 'reconstructions.png'), await reconstructionsPng(vae, xTest.narrow(0, 0, 32)));
    const pictures = ['loss.png', 'samples.png', 'reconstructions.png'];
    if (cfg.latentSize === 2) {
      await writeFile(join(run.outDir, 'latent-map.png'), await latentMapPng(vae, xTest, split.yTest));
      pictures.push('latent-map.png');
    }
    const losses = result.losses;
    out.write(
      `\ntrained ${cfg.steps} steps in ${result.seconds.toFixed(1)}s; loss per image ${formatLoss(losses[0]!)} -> ${formatLoss(losses[losses.length - 1]!)} nats\n`,
    );
    out.write(`held-out ELBO ${heldOut.toFixed(3)} nats per image\n`);
    out.write(`saved: ${run.outDir} (checkpoint, ${pictures.join(', ')})\n`);
  });
}
