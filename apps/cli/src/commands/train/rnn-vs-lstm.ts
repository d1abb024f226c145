import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { abs, concat, lt, manualSeed, mean, select, tidy, type Tensor } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { addingProblem, copyTask } from '@webgrad/data';
import { GRU, LSTM, RNN, hiddenGradientNorms, type RNNBase } from '@webgrad/layers-recurrent';
import { Embedding, Linear, Module, crossEntropy, mseLoss } from '@webgrad/nn';
import { describeBackend, setUpBackend } from '../../backend-setup.js';
import { CliError } from '../../cli-error.js';
import { lineChartPng, lossCurvesPng, SERIES_COLORS } from '../../loss-curve.js';
import { MetricsLog } from '../../metrics-log.js';
import { parsePositiveInt } from '../../option-parsers.js';
import { prepareRun, resumableTrainCommand, trainResumable, type ResumableTrainOptions, type RunConfig } from '../../resumable-run.js';
import { readScalar } from '../../read-scalar.js';
import { stepSeed } from '../../step-data.js';
import { formatLoss } from '../../training-progress.js';

/** The recurrent units compared. */
const CELLS = ['rnn', 'lstm', 'gru'] as const;
type Cell = (typeof CELLS)[number];
/** The memory tasks. */
const TASKS = ['adding', 'copy'] as const;
type Task = (typeof TASKS)[number];

/** What defines a comparison run (options of the command, fields of its `config.json`). */
interface RnnVsLstmSettings {
  /** The memory task. */
  task: Task;
  /** The contenders, in order. */
  cells: Cell[];
  /** Adding problem: sequence length. */
  seqLen: number;
  /** Copy task: symbols to remember. */
  copyLength: number;
  /** Copy task: steps between the symbols and the recall. */
  delay: number;
  /** Hidden units of every contender. */
  hiddenSize: number;
  /** Sequences per batch. */
  batchSize: number;
}

/** Options of `webgrad train rnn-vs-lstm`. */
interface RnnVsLstmOptions extends ResumableTrainOptions, RnnVsLstmSettings {}

/** How a run is built: its checkpoint's `config.json`. */
interface RnnVsLstmConfig extends RunConfig, RnnVsLstmSettings {}

/** Options that define the run; a resumed run must not change them. */
const FIXED_ON_RESUME = ['task', 'cells', 'seqLen', 'copyLength', 'delay', 'hiddenSize', 'batchSize'];
/** Symbols of the copy task (ids 1..8; 0 blank, 9 the delimiter). */
const COPY_SYMBOLS = 8;
/** Sequences in the held-out set. */
const HELD_OUT = 256;
/** An adding-problem prediction within this of the true sum counts as right. */
const ADDING_TOLERANCE = 0.04;

/** Parses `--cells rnn,lstm,gru`. */
function parseCells(value: string): Cell[] {
  const cells = value.split(',').map((c) => c.trim().toLowerCase());
  const bad = cells.find((c) => !(CELLS as readonly string[]).includes(c));
  if (bad !== undefined || cells.length === 0) throw new InvalidArgumentError(`expected a comma-separated list of ${CELLS.join(', ')}`);
  if (new Set(cells).size !== cells.length) throw new InvalidArgumentError('each cell may appear once');
  return cells as Cell[];
}

/**
 * One contender: a recurrent layer reading the sequence and a linear head,
 * on the adding problem (the head reads the last hidden state and predicts
 * the sum) or the copy task (an embedding in front; the head predicts a
 * symbol at every step).
 */
class MemoryModel extends Module<[Tensor], Tensor> {
  /** Token embedding (copy task) or null. */
  embedding: Embedding | null;
  /** The recurrent layer. */
  rnn: RNNBase;
  /** Hidden state to prediction. */
  head: Linear;

  constructor(
    cell: Cell,
    readonly task: Task,
    hiddenSize: number,
  ) {
    super();
    const vocab = COPY_SYMBOLS + 2;
    this.embedding = task === 'copy' ? new Embedding(vocab, 16) : null;
    const input = task === 'copy' ? 16 : 2;
    const Layer = cell === 'rnn' ? RNN : cell === 'lstm' ? LSTM : GRU;
    this.rnn = new Layer(input, hiddenSize, { batchFirst: true });
    this.head = new Linear(hiddenSize, task === 'copy' ? vocab : 1);
  }

  /** The recurrent layer's input for the task's inputs. */
  features(x: Tensor): Tensor {
    return this.embedding !== null ? this.embedding.forward(x) : x;
  }

  /** Predictions: [B, 1] sums (adding) or [B, T, vocab] logits (copy). */
  forward(x: Tensor): Tensor {
    const out = this.rnn.run(this.features(x)).output;
    return this.task === 'adding' ? this.head.forward(select(out, 1, out.shape[1]! - 1)) : this.head.forward(out);
  }
}

/** The contenders side by side: one child per cell, trained on the same batches. */
class Contenders extends Module<[Tensor], Tensor> {
  constructor(cells: readonly Cell[], task: Task, hiddenSize: number) {
    super();
    // each contender is initialised from the seeded stream in the order given
    for (const cell of cells) (this as unknown as Record<string, MemoryModel>)[cell] = new MemoryModel(cell, task, hiddenSize);
  }

  /** The contender of `cell`. */
  get(cell: Cell): MemoryModel {
    return (this as unknown as Record<string, MemoryModel>)[cell]!;
  }

  /** Not used: each contender is run on its own. */
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** A batch of the task. */
interface TaskBatch {
  inputs: Tensor;
  targets: Tensor;
}

/**
 * `webgrad train rnn-vs-lstm`: a plain RNN, an LSTM and a GRU trained side
 * by side on the same batches of a long-memory task (the adding problem or
 * the copy task), then compared: losses against the task's baseline,
 * held-out accuracy, the loss curves and the gradient flow ‖∂L/∂h_t‖.
 */
export function rnnVsLstmCommand(): Command {
  return resumableTrainCommand('rnn-vs-lstm', 'train a plain RNN, an LSTM and a GRU side by side on the adding problem or the copy task; comparison table, loss curves and gradient-flow plot', { steps: 600, lr: 0.01, seed: 0, optimizer: 'adam', schedule: 'constant', clip: 1 })
    .addOption(new Option('--task <name>', 'adding: sum of two marked values; copy: recall symbols after a delay').choices(TASKS).default('adding'))
    .option('--cells <list>', 'recurrent units to compare, comma-separated', parseCells, [...CELLS])
    .option('--seq-len <n>', 'adding problem: sequence length T', parsePositiveInt, 30)
    .option('--copy-length <n>', 'copy task: symbols to remember', parsePositiveInt, 5)
    .option('--delay <n>', 'copy task: steps between the symbols and the recall', parsePositiveInt, 10)
    .option('--hidden-size <n>', 'hidden units of every contender', parsePositiveInt, 32)
    .option('--batch-size <n>', 'sequences per batch (fresh ones every step)', parsePositiveInt, 32)
    .action(async (options: RnnVsLstmOptions, command: Command) => {
      await trainRnnVsLstm(options, command);
    });
}

async function trainRnnVsLstm(options: RnnVsLstmOptions, command: Command): Promise<void> {
  if (options.task === 'adding' && options.seqLen < 2)
    throw new CliError(`--seq-len ${options.seqLen} is too short for the adding problem`, { hint: 'pass --seq-len 2 or more' });
  const run = await prepareRun<RnnVsLstmConfig>('rnn-vs-lstm', options, command, FIXED_ON_RESUME);
  const cfg = run.config;
  await MetricsLog.using(options.metrics, async (metrics) => {
    const info = await setUpBackend(options.backend);
    const out = process.stdout;
    const data = (n: number, seed: number): TaskBatch =>
      cfg.task === 'adding'
        ? addingProblem({ numSequences: n, seqLen: cfg.seqLen, seed, backend: info.name })
        : copyTask({ numSequences: n, length: cfg.copyLength, delay: cfg.delay, numSymbols: COPY_SYMBOLS, seed, backend: info.name });
    const length = cfg.task === 'adding' ? cfg.seqLen : cfg.delay + 2 * cfg.copyLength;
    // predicting the constant 1 (adding) or blanks then random symbols (copy)
    const baseline = cfg.task === 'adding' ? 1 / 6 : (cfg.copyLength * Math.log(COPY_SYMBOLS)) / length;
    const lossOf = (model: MemoryModel, batch: TaskBatch): Tensor => {
      const prediction = model.forward(batch.inputs);
      if (cfg.task === 'adding') return mseLoss(prediction, batch.targets);
      const [B, T, V] = prediction.shape as [number, number, number];
      return crossEntropy(prediction.reshape([B * T, V]), batch.targets.reshape([B * T]));
    };
    manualSeed(cfg.seed);
    const contenders = new Contenders(cfg.cells, cfg.task, cfg.hiddenSize);
    const models = cfg.cells.map((c) => contenders.get(c));
    out.write(
      `webgrad train rnn-vs-lstm: ${cfg.cells.join(', ')} with ${cfg.hiddenSize} hidden units on the ${cfg.task === 'adding' ? `adding problem (T = ${cfg.seqLen})` : `copy task (${cfg.copyLength} symbols, delay ${cfg.delay})`}\n`,
    );
    out.write(`backend: ${describeBackend(info)}\n`);
    out.write(
      `steps ${cfg.steps}, batch ${cfg.batchSize} (fresh sequences every step), ${cfg.optimizer} lr ${cfg.lr} (${cfg.schedule}), clip ${cfg.clip ?? 'off'} per model, seed ${cfg.seed}\n`,
    );
    const result = await trainResumable({
      run,
      options,
      model: contenders,
      paramGroups: models.map((m) => m.parameters()),
      partNames: cfg.cells,
      metrics,
      loss: (index) => {
        const batch = data(cfg.batchSize, stepSeed(cfg.seed, index));
        return concat(models.map((m) => lossOf(m, batch).reshape([1])), 0);
      },
    });
    if (!result.finished) return;

    // held-out comparison and the gradient flow of each contender
    const heldOut = data(HELD_OUT, stepSeed(cfg.seed, -1));
    const rows = [];
    for (const [k, model] of models.entries()) {
      const cell = cfg.cells[k]!;
      const loss = await readScalar(() => lossOf(model, heldOut));
      const accuracy = await readScalar(() => {
        const prediction = model.forward(heldOut.inputs);
        if (cfg.task === 'adding') return mean(lt(abs(prediction.sub(heldOut.targets)), ADDING_TOLERANCE).cast('float32'));
        // recall accuracy: the last copyLength steps
        const T = prediction.shape[1]!;
        const guess = prediction.narrow(1, T - cfg.copyLength, cfg.copyLength).argmax(2).cast('int32');
        return mean(guess.eq(heldOut.targets.narrow(1, T - cfg.copyLength, cfg.copyLength)).cast('float32'));
      });
      const flow = await gradientFlow(model, heldOut, cfg.task);
      const losses = result.parts[cell]!;
      const tail = losses.slice(-Math.max(1, Math.floor(losses.length / 10)));
      rows.push({
        cell,
        params: model.parameters().reduce((n, p) => n + p.size, 0),
        first: losses[0]!,
        last: tail.reduce((a, b) => a + b, 0) / tail.length,
        loss,
        accuracy,
        flow,
      });
    }
    await writeFile(join(run.outDir, 'loss.png'), lossCurvesPng(models.map((_, k) => result.parts[cfg.cells[k]!]!), { baseline }));
    await writeFile(
      join(run.outDir, 'gradient-flow.png'),
      lineChartPng(
        rows.map((r, k) => ({ y: r.flow, color: SERIES_COLORS[k % SERIES_COLORS.length]! })),
        { logY: true },
      ),
    );
    const accuracyName = cfg.task === 'adding' ? `|error| < ${ADDING_TOLERANCE}` : 'symbols recalled';
    out.write(`\ntrained ${cfg.steps} steps in ${result.seconds.toFixed(1)}s; baseline loss ${formatLoss(baseline)} (${cfg.task === 'adding' ? 'always predicting 1' : 'blanks, then random symbols'})\n`);
    out.write(`model | params | first loss | final loss (last 10%) | held-out loss | held-out ${accuracyName} | ‖∂L/∂h_1‖/‖∂L/∂h_T‖\n`);
    for (const r of rows)
      out.write(
        `${r.cell.padEnd(5)} | ${String(r.params).padStart(6)} | ${formatLoss(r.first)} | ${formatLoss(r.last)} | ${formatLoss(r.loss)} | ${(100 * r.accuracy).toFixed(1).padStart(5)}% | ${(r.flow[0]! / r.flow[r.flow.length - 1]!).toExponential(2)}\n`,
      );
    const best = rows.reduce((a, b) => (b.loss < a.loss ? b : a));
    out.write(`best held-out loss: ${best.cell} (${best.loss < baseline ? 'beats' : 'does not beat'} the baseline)\n`);
    await result.saveResults({
      heldOut: Object.fromEntries(rows.map((r) => [r.cell, { loss: r.loss, accuracy: r.accuracy, gradientFlow: r.flow }])),
    });
    out.write(`checkpoint: ${run.outDir}\npictures: ${join(run.outDir, 'loss.png')} (loss per model, grey: baseline), ${join(run.outDir, 'gradient-flow.png')} (‖∂L/∂h_t‖ per step t, log scale, same colours)\n`);
  });
}

/**
 * ‖∂L/∂h_t‖ for t = 1..T, L the loss on the last step only (adding: the
 * squared error of the sum; copy: the cross-entropy of the last symbol), on
 * 32 held-out sequences: how much gradient reaches each earlier step.
 */
async function gradientFlow(model: MemoryModel, data: TaskBatch, task: Task): Promise<number[]> {
  const { features, targets } = tidy(() => ({
    features: noGrad(() => model.features(data.inputs.narrow(0, 0, 32))),
    targets: data.targets.narrow(0, 0, 32),
  }));
  try {
    const { norms } = await hiddenGradientNorms(model.rnn, features, (run) => {
      const T = run.output.shape[1]!;
      const last = model.head.forward(select(run.output, 1, T - 1));
      return task === 'adding' ? mseLoss(last, targets) : crossEntropy(last, select(targets, 1, T - 1));
    });
    return norms[0]![0]!;
  } finally {
    features.dispose();
    targets.dispose();
  }
}

