import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { argmax, eq, indexSelect, manualSeed, relu, sum, tidy, type Tensor } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { DataLoader, loadDigits, trainTestSplit, type Batch } from '@webgrad/data';
import { crossEntropy, Linear, Module } from '@webgrad/nn';
import { Adam, serializeOptimizerState } from '@webgrad/optim';
import { describeBackend, setUpBackend } from '../../backend-setup.js';
import { writeCheckpoint } from '../../checkpoint.js';
import { lossCurvePng } from '../../loss-curve.js';
import { MetricsLog } from '../../metrics-log.js';
import { parsePositiveInt } from '../../option-parsers.js';
import { addCommonTrainOptions, type CommonTrainOptions } from '../../train-options.js';
import { runTrainLoop } from '../../train-loop.js';
import { TrainingProgress, formatLoss } from '../../training-progress.js';

/** Options of `webgrad train mlp`. */
interface MlpOptions extends CommonTrainOptions {
  epochs: number;
  batchSize: number;
  hiddenSize: number;
  out: string;
}

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
  const cmd = new Command('mlp').description(
    'train a one-hidden-layer ReLU classifier on the shipped 8x8 digits and report the test accuracy',
  );
  // the run is --epochs long unless --steps is given
  return addCommonTrainOptions(cmd, { steps: 1, lr: 0.01, seed: 0 })
    .option('--epochs <n>', 'passes over the training images', parsePositiveInt, 20)
    .option('--batch-size <n>', 'images per batch', parsePositiveInt, 64)
    .option('--hidden-size <n>', 'hidden units', parsePositiveInt, 64)
    .option('--out <dir>', 'output directory (weights, config, loss curve)', 'runs/mlp')
    .action(async (options: MlpOptions, command: Command) => {
      await trainMlp(options, command.getOptionValueSource('steps') === 'cli');
    });
}

async function trainMlp(options: MlpOptions, stepsGiven: boolean): Promise<void> {
  const metrics = options.metrics !== undefined ? MetricsLog.open(options.metrics) : null;
  try {
    const info = await setUpBackend(options.backend);
    const out = process.stdout;
    manualSeed(options.seed);
    const digits = loadDigits({ backend: info.name });
    const n = digits.images.shape[0]!;
    const split = trainTestSplit(n, { testFraction: 0.25, seed: options.seed, backend: info.name });
    const flat = digits.images.reshape([n, 64]);
    const xTrain = indexSelect(flat, 0, split.train);
    const yTrain = indexSelect(digits.labels, 0, split.train);
    const xTest = indexSelect(flat, 0, split.test);
    const yTest = indexSelect(digits.labels, 0, split.test);
    const net = new DigitsMlp(options.hiddenSize);
    const optimizer = new Adam(net.parameters(), { lr: options.lr });
    const loader = new DataLoader(xTrain, yTrain, { batchSize: options.batchSize, shuffle: true, seed: options.seed });
    const steps = stepsGiven ? options.steps : options.epochs * loader.numBatches;
    out.write(`webgrad train mlp: 64-${options.hiddenSize}-10 ReLU network on the 8x8 digits, Adam, cross-entropy\n`);
    out.write(`backend: ${describeBackend(info)}\n`);
    out.write(
      `${xTrain.shape[0]} training / ${xTest.shape[0]} test images; ${steps} steps (${(steps / loader.numBatches).toFixed(1)} epochs of ${loader.numBatches} batches), lr ${options.lr}, seed ${options.seed}\n`,
    );
    let epochBatches: Iterator<Batch> = loader[Symbol.iterator]();
    const nextBatch = (): Batch => {
      let r = epochBatches.next();
      if (r.done === true) {
        epochBatches = loader[Symbol.iterator]();
        r = epochBatches.next();
      }
      return r.value as Batch;
    };
    const progress = TrainingProgress.forRun('train mlp', steps, options);
    const { losses, seconds } = await runTrainLoop({
      steps,
      progress,
      metrics,
      step: () =>
        tidy(() => {
          const { x, y } = nextBatch();
          const loss = crossEntropy(net.forward(x), y);
          optimizer.zeroGrad();
          loss.backward();
          optimizer.step();
          return loss;
        }),
    });
    const accuracy = async (x: Tensor, y: Tensor): Promise<number> => {
      const correct = noGrad(() => tidy(() => sum(eq(argmax(net.forward(x), 1), y).cast('float32'))));
      const value = await correct.itemAsync();
      correct.dispose();
      return value / x.shape[0]!;
    };
    const trainAcc = await accuracy(xTrain, yTrain);
    const testAcc = await accuracy(xTest, yTest);
    await writeCheckpoint(options.out, {
      config: { model: 'mlp', hiddenSize: options.hiddenSize, epochs: options.epochs, batchSize: options.batchSize, lr: options.lr, seed: options.seed },
      state: { step: steps, losses, trainAccuracy: trainAcc, testAccuracy: testAcc },
      weights: net.stateDict(),
      optimizer: serializeOptimizerState(optimizer.stateDict()),
    });
    await writeFile(join(options.out, 'loss.png'), lossCurvePng(losses));
    out.write(
      `\ntrained ${steps} steps in ${seconds.toFixed(1)}s; loss ${formatLoss(losses[0]!)} -> ${formatLoss(losses[losses.length - 1]!)}\n`,
    );
    out.write(`accuracy: train ${(100 * trainAcc).toFixed(2)}%, test ${(100 * testAcc).toFixed(2)}%\n`);
    out.write(`saved: ${options.out} (weights, config, optimizer state, loss.png)\n`);
  } finally {
    metrics?.close();
  }
}
