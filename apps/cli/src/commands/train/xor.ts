import { Command } from 'commander';
import { manualSeed, mean, relu, square, sub, tensor, type Tensor } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { Linear, Module } from '@webgrad/nn';
import { describeBackend, setUpBackend } from '../../backend-setup.js';
import { MetricsLog } from '../../metrics-log.js';
import { prepareRun, resumableTrainCommand, trainResumable, type ResumableTrainOptions } from '../../resumable-run.js';

/** The four XOR inputs and targets. */
const XOR_INPUTS = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const XOR_TARGETS = [[0], [1], [1], [0]];

/**
 * The course's 2-2-1 network: two inputs, a hidden layer of two ReLU units,
 * one linear output. It can represent XOR exactly (e.g. h₁ = relu(x₁ + x₂),
 * h₂ = relu(x₁ + x₂ − 1), y = h₁ − 2h₂).
 */
export class XorNet extends Module<[Tensor], Tensor> {
  /** Inputs to the two hidden units. */
  hidden = new Linear(2, 2);
  /** Hidden units to the output. */
  output = new Linear(2, 1);

  /** y = W₂·relu(W₁x + b₁) + b₂ for each row of `x` ([N, 2] → [N, 1]). */
  forward(x: Tensor): Tensor {
    return this.output.forward(relu(this.hidden.forward(x)));
  }
}

/** Options of `webgrad train xor`. */
type XorOptions = ResumableTrainOptions;

/**
 * `webgrad train xor`: fits `XorNet` to the XOR truth table by minimising the
 * mean squared error with plain gradient descent (θ ← θ − lr·∂L/∂θ), then
 * prints the learned truth table.
 */
export function xorCommand(): Command {
  return resumableTrainCommand('xor', 'train the 2-2-1 ReLU network on XOR with plain gradient descent and print the learned truth table', { steps: 2000, lr: 0.1, seed: 0, optimizer: 'gd', schedule: 'constant', clip: false }).action(async (options: XorOptions, command: Command) => {
    await trainXor(options, command);
  });
}

async function trainXor(options: XorOptions, command: Command): Promise<void> {
  const run = await prepareRun('xor', options, command, []);
  const cfg = run.config;
  await MetricsLog.using(options.metrics, async (metrics) => {
    const info = await setUpBackend(options.backend);
    const out = process.stdout;
    const method = cfg.optimizer === 'gd' ? 'plain gradient descent' : cfg.optimizer;
    out.write(`webgrad train xor: 2-2-1 ReLU network, ${method}, MSE loss\n`);
    out.write(`backend: ${describeBackend(info)}\n`);
    out.write(`steps ${cfg.steps}, lr ${cfg.lr}, seed ${cfg.seed}\n`);

    manualSeed(cfg.seed);
    const net = new XorNet();
    const x = tensor(XOR_INPUTS);
    const y = tensor(XOR_TARGETS);
    const result = await trainResumable({
      run,
      options,
      model: net,
      metrics,
      metricsFields: { lr: cfg.lr },
      loss: () => mean(square(sub(net.forward(x), y))),
    });
    if (!result.finished) return;

    const predictions = await noGrad(() => net.forward(x)).data();
    out.write(`\n${result.summary()}\n`);
    out.write(`learned truth table:\n  x1 x2 | target | output  | rounded\n`);
    let correct = 0;
    XOR_INPUTS.forEach(([a, b], i) => {
      const target = XOR_TARGETS[i]![0]!;
      const value = predictions[i]!;
      const rounded = Math.round(value) + 0; // + 0 turns -0 into 0
      if (rounded === target) correct++;
      out.write(`   ${a}  ${b} |   ${target}    | ${value.toFixed(4).padStart(7)} | ${rounded}\n`);
    });
    out.write(
      correct === 4
        ? `XOR learned: all 4 rows correct\n`
        : `XOR not learned: ${correct}/4 rows correct (gradient descent can get stuck with only two ReLU units, e.g. when one unit dies; try another --seed)\n`,
    );
    await result.saveResults({ rowsCorrect: correct });
  });
}
