import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { argmax, eq, manualSeed, relu, sum, tidy, type Tensor } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { numBatches } from '@webgrad/data';
import { crossEntropy, Linear, Module } from '@webgrad/nn';
import { describeBackend, setUpBackend } from '../../backend-setup.js';
import { digitsSplit } from '../../digits-split.js';
import { lossCurvePng } from '../../loss-curve.js';
import { MetricsLog } from '../../metrics-log.js';
import { parsePositiveInt } from '../../option-parsers.js';
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

/** What defines an MLP run (options of the command, fields of its `config.json`). */
interface MlpSettings {
  /** Passes over the training images (when --steps was not given). */
  epochs: number;
  /** Images per batch. */
  batchSize: number;
  /** Hidden units. */
  hiddenSize: number;
}

/** Options of `webgrad train mlp`. */
interface MlpOptions extends ResumableTrainOptions, MlpSettings {}

/** How an MLP run is built: its checkpoint's `config.json`. */
export interface MlpConfig extends RunConfig, MlpSettings {}

/** Fraction of the digits held out. */
export const MLP_TEST_FRACTION = 0.25;

/** A one-hidden-layer ReLU classifier of the 8×8 digits: 64 → hidden → 10. */
export class DigitsMlp extends Module<[Tensor], Tensor> {
  /** Pixels to hidden units. */
  hidden: Linear;
  /** Hidden units to the ten class logits. */
  output: Linear;

  /** Creates the network with `hiddenSize` hidden units. */
  constructor(hiddenSize: number) {
    super();
    this.hidden = new Linear(64, hiddenSize);
    this.output = new Linear(hiddenSize, 10);
  }

  /** Logits [N, 10] of flattened images [N, 64]. */
  forward(x: Tensor): Tensor {
    return this.output.forward(relu(this.hidden.forward(x)));
  }
}

/**
 * `webgrad train mlp`: a 64-hidden-10 ReLU network on the shipped 8×8
 * handwritten digits (a seeded 75/25 split), Adam on the cross-entropy,
 * reporting the held-out accuracy.
 */
export function mlpCommand(): Command {
  return stepsDefaultToEpochs(
    resumableTrainCommand('mlp', 'train a one-hidden-layer ReLU classifier on the shipped 8x8 digits and report the test accuracy', { steps: 1, lr: 0.01, seed: 0, optimizer: 'adam', schedule: 'constant', clip: false }),
  )
    .option('--epochs <n>', 'passes over the training images (unless --steps is given)', parsePositiveInt, 20)
    .option('--batch-size <n>', 'images per batch', parsePositiveInt, 64)
    .option('--hidden-size <n>', 'hidden units', parsePositiveInt, 64)
    .action(async (options: MlpOptions, command: Command) => {
      await trainMlp(options, command);
    });
}

async function trainMlp(options: MlpOptions, command: Command): Promise<void> {
  // the split depends only on the seed, so its size is known before the backend starts
  const perEpoch = (batchSize: number, seed: number): number => numBatches(digitsSplit(seed, MLP_TEST_FRACTION, 'cpu').xTrain.shape[0]!, batchSize);
  const run = await prepareRun<MlpConfig>('mlp', options, command, ['epochs', 'batchSize', 'hiddenSize'], () => ({
    steps: stepsOfEpochs(options, command, perEpoch(options.batchSize, options.seed)),
  }));
  const cfg = run.config;
  await MetricsLog.using(options.metrics, async (metrics) => {
    const info = await setUpBackend(options.backend);
    const out = process.stdout;
    const { xTrain, yTrain, xTest, yTest } = digitsSplit(cfg.seed, MLP_TEST_FRACTION, info.name);
    manualSeed(cfg.seed);
    const net = new DigitsMlp(cfg.hiddenSize);
    const batches = numBatches(xTrain.shape[0]!, cfg.batchSize);
    out.write(`webgrad train mlp: 64-${cfg.hiddenSize}-10 ReLU network on the 8x8 digits, ${cfg.optimizer}, cross-entropy\n`);
    out.write(`backend: ${describeBackend(info)}\n`);
    out.write(
      `${xTrain.shape[0]} training / ${xTest.shape[0]} test images; ${cfg.steps} steps (${(cfg.steps / batches).toFixed(1)} epochs of ${batches} batches), lr ${cfg.lr}, seed ${cfg.seed}\n`,
    );
    const result = await trainResumable({
      run,
      options,
      model: net,
      metrics,
      loss: (index) => {
        const { x, y } = epochBatch(xTrain, yTrain, cfg.batchSize, cfg.seed, index);
        return crossEntropy(net.forward(x), y);
      },
    });
    if (!result.finished) return;
    const accuracy = async (x: Tensor, y: Tensor): Promise<number> => {
      const correct = noGrad(() => tidy(() => sum(eq(argmax(net.forward(x), 1), y).cast('float32'))));
      const value = await correct.itemAsync();
      correct.dispose();
      return value / x.shape[0]!;
    };
    const trainAcc = await accuracy(xTrain, yTrain);
    const testAcc = await accuracy(xTest, yTest);
    await result.saveResults({ trainAccuracy: trainAcc, testAccuracy: testAcc });
    await writeFile(join(run.outDir, 'loss.png'), lossCurvePng(result.losses));
    out.write(`\n${result.summary()}\n`);
    out.write(`accuracy: train ${(100 * trainAcc).toFixed(2)}%, test ${(100 * testAcc).toFixed(2)}%\n`);
    out.write(`saved: ${run.outDir} (weights, config, optimizer state, loss.png)\n`);
  });
}
