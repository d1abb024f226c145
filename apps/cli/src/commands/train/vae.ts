import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { Generator, indexSelect, manualSeed } from '@webgrad/core-tensor';
import { loadDigits, trainTestSplit } from '@webgrad/data';
import { VAE, latentMapPng, reconstructionsPng, samplesPng, trainVAE } from '@webgrad/generative-vae';
import { describeBackend, setUpBackend } from '../../backend-setup.js';
import { writeCheckpoint } from '../../checkpoint.js';
import { lineChartPng, SERIES_COLORS } from '../../loss-curve.js';
import { MetricsLog } from '../../metrics-log.js';
import { parsePositiveInt, parsePositiveNumber } from '../../option-parsers.js';
import { addCommonTrainOptions, type CommonTrainOptions } from '../../train-options.js';
import { TrainingProgress, formatLoss } from '../../training-progress.js';

/** Options of `webgrad train vae`. */
interface VaeOptions extends CommonTrainOptions {
  epochs: number;
  batchSize: number;
  hiddenSize: number;
  latentSize: number;
  beta: number;
  out: string;
}

/**
 * `webgrad train vae`: a (β-)VAE with Bernoulli pixels on the binarised 8×8
 * digits, 64 → hidden → (μ, log σ²) ∈ ℝᵈ × ℝᵈ, z → hidden → 64 logits,
 * maximising the ELBO with KL weight β; reports the held-out ELBO and writes
 * samples from the prior, reconstructions and (for d = 2) the latent map as PNGs.
 */
export function vaeCommand(): Command {
  const cmd = new Command('vae').description(
    'train a (beta-)VAE on the binarised 8x8 digits; held-out ELBO, sample grid and reconstructions as PNG',
  );
  // the run is --epochs long; --steps is not used
  return addCommonTrainOptions(cmd, { steps: 1, lr: 0.002, seed: 0 })
    .option('--epochs <n>', 'passes over the training images', parsePositiveInt, 30)
    .option('--batch-size <n>', 'images per batch', parsePositiveInt, 64)
    .option('--hidden-size <n>', 'hidden units of encoder and decoder', parsePositiveInt, 128)
    .option('--latent-size <n>', 'dimension d of the latent space', parsePositiveInt, 2)
    .option('--beta <b>', 'weight β of the KL term (1: the VAE, > 1: a β-VAE)', parsePositiveNumber, 1)
    .option('--out <dir>', 'output directory (weights, config, pictures)', 'runs/vae')
    .action(async (options: VaeOptions) => {
      await trainVae(options);
    });
}

async function trainVae(options: VaeOptions): Promise<void> {
  const metrics = options.metrics !== undefined ? MetricsLog.open(options.metrics) : null;
  try {
    const info = await setUpBackend(options.backend);
    const out = process.stdout;
    const { images, labels } = loadDigits({ backend: info.name });
    const binary = images.ge(0.5).cast('float32').reshape([images.shape[0]!, 64]);
    const split = trainTestSplit(images.shape[0]!, { testFraction: 0.2, seed: options.seed, backend: info.name });
    const xTrain = indexSelect(binary, 0, split.train);
    const xTest = indexSelect(binary, 0, split.test);
    const yTest = indexSelect(labels, 0, split.test);
    manualSeed(options.seed);
    const vae = VAE.mlp({ inputSize: 64, hiddenSizes: [options.hiddenSize], latentSize: options.latentSize, beta: options.beta });
    out.write(
      `webgrad train vae: 64-${options.hiddenSize}-${options.latentSize} VAE, Bernoulli pixels, beta ${options.beta}, Adam lr ${options.lr}\n`,
    );
    out.write(`backend: ${describeBackend(info)}\n`);
    out.write(`${xTrain.shape[0]} training / ${xTest.shape[0]} test images, ${options.epochs} epochs, seed ${options.seed}\n`);
    const progress = TrainingProgress.forRun('train vae', options.epochs, options);
    const losses: number[] = [];
    const started = performance.now();
    progress.start();
    try {
      await trainVAE(vae, xTrain, {
        epochs: options.epochs,
        batchSize: options.batchSize,
        lr: options.lr,
        seed: options.seed,
        onEpoch: ({ epoch, loss, reconstruction, kl }) => {
          if (!Number.isFinite(loss)) throw new Error(`the loss became ${loss} in epoch ${epoch}; try a smaller --lr`);
          losses.push(loss);
          progress.update(losses.length, loss);
          metrics?.write({ epoch: losses.length, loss, reconstruction, kl, elapsedSeconds: (performance.now() - started) / 1000 });
        },
      });
    } finally {
      progress.stop();
    }
    const elbo = vae.elbo(xTest, { samples: 10, generator: new Generator(options.seed + 1) }).mean();
    const heldOut = await elbo.itemAsync();
    elbo.dispose();
    await writeCheckpoint(options.out, {
      config: { model: 'vae', hiddenSize: options.hiddenSize, latentSize: options.latentSize, beta: options.beta, epochs: options.epochs, batchSize: options.batchSize, lr: options.lr, seed: options.seed },
      state: { step: options.epochs, losses, heldOutElbo: heldOut },
      weights: vae.stateDict(),
      optimizer: null,
    });
    await writeFile(join(options.out, 'loss.png'), lineChartPng([{ y: losses, color: SERIES_COLORS[0]! }]));
    await writeFile(join(options.out, 'samples.png'), await samplesPng(vae, 64, { generator: new Generator(options.seed + 2) }));
    await writeFile(join(options.out, 'reconstructions.png'), await reconstructionsPng(vae, xTest.narrow(0, 0, 32)));
    const pictures = ['loss.png', 'samples.png', 'reconstructions.png'];
    if (options.latentSize === 2) {
      await writeFile(join(options.out, 'latent-map.png'), await latentMapPng(vae, xTest, yTest));
      pictures.push('latent-map.png');
    }
    out.write(
      `\ntrained ${options.epochs} epochs in ${((performance.now() - started) / 1000).toFixed(1)}s; loss per image ${formatLoss(losses[0]!)} -> ${formatLoss(losses[losses.length - 1]!)} nats\n`,
    );
    out.write(`held-out ELBO ${heldOut.toFixed(3)} nats per image\n`);
    out.write(`saved: ${options.out} (weights, config, ${pictures.join(', ')})\n`);
  } finally {
    metrics?.close();
  }
}
