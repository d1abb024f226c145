import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  defaultGenerator,
  manualSeed,
  select,
  tensor,
  tidy,
  type GeneratorState,
  type Tensor,
} from '@webgrad/core-tensor';
import { CharTokenizer, lmBatches, type LmBatch } from '@webgrad/data';
import { hiddenGradientNorms, type CharLanguageModel } from '@webgrad/layers-recurrent';
import { crossEntropy } from '@webgrad/nn';
import {
  Adam,
  AdamW,
  CosineAnnealingLR,
  RMSprop,
  SGD,
  StepLR,
  deserializeOptimizerState,
  serializeOptimizerState,
  type Optimizer,
  type OptimizerOptions,
  type Scheduler,
  type SchedulerStateDict,
} from '@webgrad/optim';
import { clipGradNorm } from '@webgrad/regularize';
import { describeBackend, setUpBackend } from '../backend-setup.js';
import { readCheckpoint, writeCheckpoint, type CheckpointConfig, type Json } from '../checkpoint.js';
import { CliError } from '../cli-error.js';
import { lineChartPng, lossCurvePng, SERIES_COLORS } from '../loss-curve.js';
import { MetricsLog } from '../metrics-log.js';
import { parsePositiveInt, parsePositiveNumber } from '../option-parsers.js';
import { addCommonTrainOptions, type CommonTrainOptions } from '../train-options.js';
import { runTrainLoop } from '../train-loop.js';
import { TrainingProgress, formatLoss } from '../training-progress.js';
import {
  buildCharLm,
  loadCharLm,
  readTrainingText,
  splitText,
  type CharLmConfig,
  type CharLmFamily,
} from './char-lm-setup.js';

/** Optimizers `--optimizer` accepts. */
const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'rmsprop'] as const;
/** Schedules `--schedule` accepts. */
const SCHEDULES = ['constant', 'cosine', 'step'] as const;

/** Options of `webgrad train char-lstm|char-gru`. */
interface CharLmOptions extends CommonTrainOptions {
  data?: string;
  valFraction: number;
  batchSize: number;
  seqLen: number;
  hiddenSize: number;
  layers: number;
  embedDim?: number;
  dropout: number;
  optimizer: string;
  schedule: string;
  clip: number | false;
  out: string;
  checkpointEvery: number;
  resume?: string;
  stopAfter?: number;
  sampleLength: number;
  temperature: number;
}

/** Options that define the model and its training; a resumed run must not change them. */
const FIXED_ON_RESUME = [
  'data',
  'valFraction',
  'batchSize',
  'seqLen',
  'hiddenSize',
  'layers',
  'embedDim',
  'dropout',
  'optimizer',
  'schedule',
  'clip',
  'lr',
  'seed',
] as const;

/** Parses a fraction in (0, 1). */
function parseFraction(value: string): number {
  const n = parsePositiveNumber(value);
  if (n >= 1) throw new InvalidArgumentError('expected a number between 0 and 1');
  return n;
}

/** Parses a probability in [0, 1). */
function parseDropout(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 1)) throw new InvalidArgumentError('expected a number in [0, 1)');
  return n;
}

/**
 * `webgrad train char-lstm` / `char-gru`: a character language model on the
 * shipped tiny Shakespeare (or `--data file`), trained on random windows of
 * the text (nanoGPT's sampler: step s's batch depends only on the seed and
 * s), with checkpoints every N steps and on Ctrl-C that `--resume`
 * continues exactly; ends with validation loss, a loss-curve PNG, the
 * gradient-flow PNG and generated text.
 */
export function charLmCommand(family: CharLmFamily): Command {
  const cell = family === 'char-lstm' ? 'LSTM' : 'GRU';
  const cmd = new Command(family).description(
    `train a character-level ${cell} language model on tiny Shakespeare (or --data) and generate text`,
  );
  addCommonTrainOptions(cmd, { steps: 300, lr: 0.005, seed: 0 });
  return cmd
    .option('--data <file>', 'a UTF-8 text file to train on (default: the shipped tiny Shakespeare)')
    .option('--val-fraction <f>', 'fraction of the text held out for validation', parseFraction, 0.1)
    .option('--batch-size <n>', 'sequences per batch', parsePositiveInt, 32)
    .option('--seq-len <n>', 'characters per sequence (backpropagation through time)', parsePositiveInt, 64)
    .option('--hidden-size <n>', 'hidden units per layer', parsePositiveInt, 128)
    .option('--layers <n>', 'stacked recurrent layers', parsePositiveInt, 1)
    .option('--embed-dim <n>', 'character embedding width (default: 64)', parsePositiveInt)
    .option('--dropout <p>', 'dropout between layers and before the output layer', parseDropout, 0)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZERS).default('adam'))
    .addOption(
      new Option('--schedule <name>', 'learning-rate schedule over the run').choices(SCHEDULES).default('cosine'),
    )
    .option('--clip <norm>', 'clip the gradient norm to this (> 0)', parsePositiveNumber, 1)
    .option('--no-clip', 'do not clip gradients')
    .option('--out <dir>', 'output directory (checkpoint, loss curve, gradient-flow plot)', `runs/${family}`)
    .option('--checkpoint-every <n>', 'write a checkpoint every n steps', parsePositiveInt, 100)
    .option('--resume <dir>', 'continue the run checkpointed in this directory (--steps is the total)')
    .option('--stop-after <n>', 'stop (with a checkpoint) after this many steps of the run; continue it later with --resume', parsePositiveInt)
    .option('--sample-length <n>', 'characters to generate at the end', parsePositiveInt, 300)
    .option('--temperature <t>', 'sampling temperature of the final text', parsePositiveNumber, 0.8)
    .action(async (options: CharLmOptions, command: Command) => {
      await trainCharLm(family, options, command);
    });
}

/** Builds the optimizer `name` over `params`. */
function makeOptimizer(name: string, params: Tensor[], lr: number): Optimizer<OptimizerOptions> {
  switch (name) {
    case 'adamw':
      return new AdamW(params, { lr }) as unknown as Optimizer<OptimizerOptions>;
    case 'sgd':
      return new SGD(params, { lr, momentum: 0.9 }) as unknown as Optimizer<OptimizerOptions>;
    case 'rmsprop':
      return new RMSprop(params, { lr }) as unknown as Optimizer<OptimizerOptions>;
    default:
      return new Adam(params, { lr }) as unknown as Optimizer<OptimizerOptions>;
  }
}

/** Builds the schedule `name` over a run of `steps` steps (null for a constant rate). */
function makeSchedule(name: string, optimizer: Optimizer<OptimizerOptions>, steps: number): Scheduler | null {
  if (name === 'cosine') return new CosineAnnealingLR(optimizer, { tMax: steps, etaMin: 0 });
  if (name === 'step') return new StepLR(optimizer, { stepSize: Math.max(1, Math.ceil(steps / 3)), gamma: 0.3 });
  return null;
}

async function trainCharLm(family: CharLmFamily, options: CharLmOptions, command: Command): Promise<void> {
  const given = (name: string): boolean => command.getOptionValueSource(name) === 'cli';
  // Everything is read and checked before anything is written.
  const resumed = options.resume !== undefined ? await readCheckpoint(options.resume, family) : null;
  let config: CharLmConfig;
  if (resumed !== null) {
    config = resumed.config as unknown as CharLmConfig;
    const stored = config as unknown as Record<string, Json>;
    for (const name of FIXED_ON_RESUME) {
      const mine = (options as unknown as Record<string, unknown>)[name];
      const theirs = name === 'clip' ? (config.clip ?? false) : name === 'data' ? (config.data ?? undefined) : stored[name];
      if (given(name) && mine !== theirs)
        throw new CliError(`--${kebab(name)} ${String(mine)} differs from the checkpoint's ${String(theirs)}`, {
          hint: `a resumed run keeps its settings; leave --${kebab(name)} out or start a new run with another --out`,
        });
    }
    if (given('steps')) config = { ...config, steps: options.steps };
    if (config.steps < resumed.state.step)
      throw new CliError(`--steps ${config.steps} is fewer than the ${resumed.state.step} steps already done`, {
        hint: `pass --steps greater than ${resumed.state.step}`,
      });
  }
  const text = await readTrainingText(resumed !== null ? (config!.data ?? null) : (options.data ?? null));
  if (resumed === null) {
    const tokenizer = CharTokenizer.fromText(text);
    config = {
      model: family,
      data: options.data ?? null,
      tokenizer: tokenizer.toJSON(),
      valFraction: options.valFraction,
      hiddenSize: options.hiddenSize,
      layers: options.layers,
      embedDim: options.embedDim ?? 64,
      dropout: options.dropout,
      steps: options.steps,
      batchSize: options.batchSize,
      seqLen: options.seqLen,
      lr: options.lr,
      optimizer: options.optimizer,
      schedule: options.schedule,
      clip: options.clip === false ? null : options.clip,
      seed: options.seed,
    };
  }
  const cfg = config!;
  const outDir = resumed !== null && !given('out') ? resumed.dir : options.out;
  const tokenizer = CharTokenizer.fromJSON(cfg.tokenizer);
  const data = splitText(tokenizer, text, cfg.valFraction);
  if (data.train.length <= cfg.seqLen + 1 || data.validation.length <= cfg.seqLen + 1)
    throw new CliError(`the text is too short for --seq-len ${cfg.seqLen} (${data.train.length} training and ${data.validation.length} validation characters)`, {
      hint: 'use a longer --data file or a smaller --seq-len',
    });

  const metrics = options.metrics !== undefined ? MetricsLog.open(options.metrics) : null;
  try {
    const info = await setUpBackend(options.backend);
    const out = process.stdout;
    manualSeed(cfg.seed);
    let model: CharLanguageModel;
    if (resumed !== null) model = loadCharLm(resumed).model;
    else model = buildCharLm(cfg);
    const params = model.parameters();
    const optimizer = makeOptimizer(cfg.optimizer, params, cfg.lr);
    const scheduler = makeSchedule(cfg.schedule, optimizer, cfg.steps);
    let done = 0;
    let history: number[] = [];
    if (resumed !== null) {
      try {
        if (resumed.optimizer !== null) optimizer.loadStateDict(deserializeOptimizerState(resumed.optimizer));
        const sched = resumed.state.scheduler;
        if (scheduler !== null && sched !== null && sched !== undefined)
          scheduler.loadStateDict(sched as unknown as SchedulerStateDict);
        defaultGenerator.setState(resumed.state.generator as unknown as GeneratorState);
      } catch (e) {
        throw new CliError(`cannot resume from '${resumed.dir}': its optimizer or RNG state does not fit (${(e as Error).message})`, {
          hint: 'the checkpoint is damaged; start a new run with another --out',
          exitCode: 1,
        });
      }
      done = resumed.state.step;
      history = resumed.state.losses.slice(0, done);
    }

    const nParams = params.reduce((n, p) => n + p.size, 0);
    out.write(`webgrad train ${family}: ${cell(family)} ${cfg.layers}×${cfg.hiddenSize}, ${tokenizer.vocabSize} characters, ${nParams} parameters\n`);
    out.write(`backend: ${describeBackend(info)}\n`);
    out.write(
      `data: ${cfg.data ?? 'tiny Shakespeare (shipped)'}, ${data.train.length} training / ${data.validation.length} validation characters\n`,
    );
    out.write(
      `steps ${cfg.steps}, batch ${cfg.batchSize}×${cfg.seqLen}, ${cfg.optimizer} lr ${cfg.lr} (${cfg.schedule}), clip ${cfg.clip ?? 'off'}, seed ${cfg.seed}\n`,
    );
    if (resumed !== null) out.write(`resuming from ${resumed.dir} at step ${done}\n`);

    const batches: Iterator<LmBatch> = lmBatches(data.train, {
      seqLen: cfg.seqLen,
      batchSize: cfg.batchSize,
      seed: cfg.seed,
      startStep: done,
      backend: info.name,
    });
    const losses = history;
    const save = async (step: number): Promise<void> => {
      const serialized = serializeOptimizerState(optimizer.stateDict());
      await writeCheckpoint(outDir, {
        config: cfg as unknown as CheckpointConfig,
        state: {
          step,
          losses: losses.slice(0, step),
          generator: defaultGenerator.getState() as unknown as Json,
          data: { sampler: 'lmBatches', seed: cfg.seed, nextStep: step },
          scheduler: (scheduler?.stateDict() ?? null) as unknown as Json,
        },
        weights: model.stateDict(),
        optimizer: serialized,
      });
    };

    const progress = TrainingProgress.forRun(`train ${family}`, cfg.steps, options);
    const stopAt = Math.min(cfg.steps, options.stopAfter ?? cfg.steps);
    const { seconds } = await runTrainLoop({
      steps: stopAt,
      firstStep: done,
      progress,
      metrics,
      step: () =>
        tidy(() => {
          const batch = batches.next().value as LmBatch;
          const { loss } = model.loss(batch.inputs, batch.targets, null);
          optimizer.zeroGrad();
          loss.backward();
          if (cfg.clip !== null) clipGradNorm(params, cfg.clip);
          optimizer.step();
          scheduler?.step();
          return loss;
        }),
      afterStep: async (stepsDone, loss) => {
        losses.push(loss);
        if (stepsDone % options.checkpointEvery === 0 && stepsDone < cfg.steps) {
          await save(stepsDone);
          progress.log(`checkpoint: step ${stepsDone} saved to ${outDir}`);
        }
      },
      onInterrupt: async (stepsDone) => {
        await save(stepsDone);
        progress.log(`interrupted: step ${stepsDone} saved to ${outDir}; continue with --resume ${outDir}`);
      },
    });
    await save(stopAt);
    if (stopAt < cfg.steps) {
      out.write(`\nstopped at step ${stopAt} of ${cfg.steps} in ${seconds.toFixed(1)}s; continue with 'webgrad train ${family} --resume ${outDir}'\n`);
      return;
    }

    const evaluation = tidy(() =>
      model.evaluate(data.validation.slice(0, 20_000), { seqLen: cfg.seqLen, batchSize: 16 }),
    );
    await writeFile(join(outDir, 'loss.png'), lossCurvePng(losses));
    const flow = gradientFlow(model, data.validation, cfg.seqLen);
    await writeFile(join(outDir, 'gradient-flow.png'), lineChartPng(flow.map((y, l) => ({ y, color: SERIES_COLORS[l % SERIES_COLORS.length]! })), { logY: true }));
    const first = losses[0]!;
    const last = losses[losses.length - 1]!;
    out.write(`\ntrained to step ${cfg.steps} in ${seconds.toFixed(1)}s; loss ${formatLoss(first)} -> ${formatLoss(last)}\n`);
    out.write(
      `validation: loss ${formatLoss(evaluation.loss)}, perplexity ${evaluation.perplexity.toFixed(3)}, ${evaluation.bitsPerToken.toFixed(3)} bits/char\n`,
    );
    const flow0 = flow[0]!;
    out.write(
      `gradient flow (layer 1): ‖∂L/∂h_1‖ / ‖∂L/∂h_${flow0.length}‖ = ${(flow0[0]! / flow0[flow0.length - 1]!).toExponential(2)} for a loss on the last of ${flow0.length} steps\n`,
    );
    out.write(`checkpoint: ${outDir} (sample with 'webgrad sample ${outDir}', evaluate with 'webgrad eval ${outDir}')\n`);
    out.write(`pictures: ${join(outDir, 'loss.png')}, ${join(outDir, 'gradient-flow.png')}\n`);
    const prompt = [data.validation[0]!];
    const ids = model.generate({ prompt, length: options.sampleLength, temperature: options.temperature, seed: cfg.seed });
    out.write(`\n--- generated text (temperature ${options.temperature}) ---\n${tokenizer.decode(ids)}\n`);
  } finally {
    metrics?.close();
  }
}

/**
 * ‖∂L/∂h_t‖ for t = 1..T of each layer, with L the cross-entropy of the
 * prediction at the last step of one validation window: how much gradient
 * reaches earlier hidden states.
 */
function gradientFlow(model: CharLanguageModel, tokens: readonly number[], seqLen: number): number[][] {
  return tidy(() => {
    const B = 8;
    const T = Math.min(seqLen, Math.floor((tokens.length - 1) / B));
    const x: number[] = [];
    const y: number[] = [];
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) x.push(tokens[b * T + t]!);
      y.push(tokens[b * T + T]!);
    }
    const backend = model.head.weight.backend.name;
    const inputs = tensor(Int32Array.from(x), { shape: [B, T], backend });
    const targets = tensor(Int32Array.from(y), { shape: [B], backend });
    const { norms } = hiddenGradientNorms(model.rnn, model.embedding.forward(inputs), (run) =>
      crossEntropy(model.head.forward(select(run.output, 1, T - 1)), targets),
    );
    return norms.map((dirs) => dirs[0]!);
  });
}

function cell(family: CharLmFamily): string {
  return family === 'char-lstm' ? 'LSTM' : 'GRU';
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
