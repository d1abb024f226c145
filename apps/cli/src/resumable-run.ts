import { Command } from 'commander';
import { defaultGenerator, tidy, type GeneratorState, type Tensor } from '@webgrad/core-tensor';
import {
  deserializeOptimizerState,
  serializeOptimizerState,
  type Optimizer,
  type OptimizerOptions,
  type Scheduler,
  type SchedulerStateDict,
} from '@webgrad/optim';
import { clipGradNorm } from '@webgrad/regularize';
import { readCheckpoint, writeCheckpoint, type Checkpoint, type CheckpointConfig, type Json } from './checkpoint.js';
import { CliError } from './cli-error.js';
import type { MetricsLog, MetricsRecord } from './metrics-log.js';
import { addOptimizerOptions, clipNorm, makeOptimizer, makeSchedule, type OPTIMIZERS, type OptimizerChoice, type SCHEDULES } from './optimizer-choice.js';
import { parsePositiveInt } from './option-parsers.js';
import { restoreModel, type TrainedModel } from './restore-model.js';
import { addCommonTrainOptions, type CommonTrainOptions, type TrainDefaults } from './train-options.js';
import { runTrainLoop } from './train-loop.js';
import { TrainingProgress, formatLoss } from './training-progress.js';

/** The options of a `train` command whose runs are checkpointed and resumable. */
export interface ResumableTrainOptions extends CommonTrainOptions, OptimizerChoice {
  /** Output directory (checkpoint and pictures). */
  out: string;
  /** Write a checkpoint every this many steps. */
  checkpointEvery: number;
  /** Continue the run checkpointed in this directory. */
  resume?: string;
  /** Stop (with a checkpoint) after this many steps of the run. */
  stopAfter?: number;
}

/** What every resumable run's `config.json` holds besides the model's own settings. */
export interface RunConfig extends CheckpointConfig {
  /** Total optimisation steps of the run. */
  steps: number;
  /** Learning rate. */
  lr: number;
  /** Seed of initialisation, data order and every random draw of a step. */
  seed: number;
  /** Optimizer name. */
  optimizer: string;
  /** Learning-rate schedule name. */
  schedule: string;
  /** Gradient-norm clipping threshold, or null for none. */
  clip: number | null;
}

/** The options that define every run (a resumed run must not change them). */
export const RUN_FIXED_OPTIONS = ['lr', 'seed', 'optimizer', 'schedule', 'clip'] as const;

/** A model's defaults for the shared options of a resumable `train` command. */
export interface ResumableDefaults extends TrainDefaults {
  /** Default `--optimizer`. */
  optimizer: (typeof OPTIMIZERS)[number];
  /** Default `--schedule`. */
  schedule: (typeof SCHEDULES)[number];
  /** Default `--clip` (false: off). */
  clip: number | false;
}

/**
 * The command `webgrad train <name>` with every shared option (steps, lr,
 * seed, backend, metrics, progress; optimizer, schedule, clipping; out,
 * checkpoints, resume, stop-after) at the model's `defaults`; the model
 * adds its own options and action.
 */
export function resumableTrainCommand(name: string, description: string, defaults: ResumableDefaults): Command {
  const cmd = new Command(name).description(description);
  addCommonTrainOptions(cmd, defaults);
  addOptimizerOptions(cmd, defaults);
  return addRunOptions(cmd, name);
}

/** Adds `--out`, `--checkpoint-every`, `--resume` and `--stop-after` to a model's command. */
export function addRunOptions(cmd: Command, family: string): Command {
  return cmd
    .option('--out <dir>', 'output directory (checkpoint, pictures)', `runs/${family}`)
    .option('--checkpoint-every <n>', 'write a checkpoint every n steps', parsePositiveInt, 100)
    .option('--resume <dir>', 'continue the run checkpointed in this directory (--steps is the total)')
    .option(
      '--stop-after <n>',
      'stop (with a checkpoint) after this many steps of the run; continue it later with --resume',
      parsePositiveInt,
    );
}

/** Says in `cmd`'s help that its `--steps` defaults to `--epochs` whole epochs. */
export function stepsDefaultToEpochs(cmd: Command): Command {
  const steps = cmd.options.find((o) => o.long === '--steps');
  if (steps !== undefined) steps.defaultValueDescription = '--epochs whole epochs';
  return cmd;
}

/**
 * The steps of a run measured in epochs of `perEpoch` batches: `--steps`
 * when given, else `--epochs` whole epochs.
 */
export function stepsOfEpochs(options: { steps: number; epochs: number }, command: Command, perEpoch: number): number {
  return command.getOptionValueSource('steps') === 'cli' ? options.steps : options.epochs * perEpoch;
}

/** The common part of a fresh run's config, from the command's options. */
function runConfig(family: string, options: ResumableTrainOptions): RunConfig {
  return {
    model: family,
    steps: options.steps,
    lr: options.lr,
    seed: options.seed,
    optimizer: options.optimizer,
    schedule: options.schedule,
    clip: clipNorm(options.clip),
  };
}

/** A run's settings: fresh from the options, or those of the checkpoint it resumes. */
export interface PreparedRun<C extends RunConfig> {
  /** The run's config (the checkpoint's, with `--steps` applied, when resuming). */
  config: C;
  /** The checkpoint resumed from, or null for a fresh run. */
  resumed: Checkpoint | null;
  /** Where checkpoints and pictures go (the resumed directory unless `--out` is given). */
  outDir: string;
}

/**
 * Reads and checks everything before anything is written: with `--resume`,
 * the checkpoint (of this `family`), refusing any option in `fixed` given
 * with a value other than the checkpoint's; else a fresh config: the common
 * settings, the options named in `fixed` (absent ones as null) and what
 * `derived()` adds (e.g. a tokenizer). `--steps` is the run's total either way.
 */
export async function prepareRun<C extends RunConfig>(
  family: string,
  options: ResumableTrainOptions,
  command: Command,
  fixed: readonly string[],
  derived: () => Partial<C> | Promise<Partial<C>> = () => ({}),
): Promise<PreparedRun<C>> {
  const given = (name: string): boolean => command.getOptionValueSource(name) === 'cli';
  const value = (name: string): Json => {
    const raw = (options as unknown as Record<string, Json | undefined>)[name];
    return raw === false || raw === undefined ? null : raw;
  };
  if (options.resume === undefined) {
    const settings = Object.fromEntries(fixed.map((name) => [name, value(name)]));
    const config = { ...runConfig(family, options), ...settings, ...(await derived()) } as C;
    return { config, resumed: null, outDir: options.out };
  }
  const resumed = await readCheckpoint(options.resume, family);
  const stored = resumed.config as Record<string, Json>;
  for (const name of [...RUN_FIXED_OPTIONS, ...fixed]) {
    const mine = value(name);
    const theirs = stored[name] ?? null;
    if (given(name) && JSON.stringify(mine) !== JSON.stringify(theirs))
      throw new CliError(`--${kebab(name)} ${String(mine)} differs from the checkpoint's ${String(theirs)}`, {
        hint: `a resumed run keeps its settings; leave --${kebab(name)} out or start a new run with another --out`,
      });
  }
  const config = { ...(resumed.config as C) };
  if (given('steps')) config.steps = options.steps;
  if (config.steps < resumed.state.step)
    throw new CliError(`--steps ${config.steps} is fewer than the ${resumed.state.step} steps already done`, {
      hint: `pass --steps greater than ${resumed.state.step}`,
    });
  return { config, resumed, outDir: given('out') ? options.out : resumed.dir };
}

/** What `trainResumable` needs. */
export interface ResumableTraining<C extends RunConfig> {
  /** The prepared run. */
  run: PreparedRun<C>;
  /** The options (progress, metrics fields, checkpoint interval, `--stop-after`). */
  options: ResumableTrainOptions;
  /** The model: its state dict is the checkpoint's weights (loaded here when resuming). */
  model: TrainedModel;
  /** The parameters to optimise, in groups clipped separately (default: one group, all of the model's). */
  paramGroups?: Tensor[][];
  /**
   * The loss of step `index` (0-based over the whole run), with its graph:
   * its data and random draws must depend only on the seed, the index and
   * the default generator, so that a resumed run repeats them exactly. A
   * vector of losses (with `partNames`) is summed for the backward pass.
   */
  loss: (index: number) => Tensor;
  /** Names of the parts of a vector loss (e.g. one model each). */
  partNames?: readonly string[];
  /** Where metrics go as JSON lines. */
  metrics: MetricsLog | null;
  /** Constant fields added to every metrics record. */
  metricsFields?: MetricsRecord;
  /** Printed (on stdout) when a resumed run starts. */
  out?: NodeJS.WritableStream;
}

/** A finished (or stopped) resumable run. */
export interface ResumableResult {
  /** Whether the run reached its last step (false after `--stop-after`). */
  finished: boolean;
  /** The loss of every step of the whole run, resumed part included. */
  losses: number[];
  /** With `partNames`: each part's loss at every step. */
  parts: Record<string, number[]>;
  /** Seconds this process trained. */
  seconds: number;
  /** The optimizer. */
  optimizer: Optimizer<OptimizerOptions>;
  /** `trained N steps in Ts; loss first -> last`. */
  summary: () => string;
  /** Rewrites the final checkpoint with `results` (e.g. test accuracy) added to its `state.json`. */
  saveResults: (results: Record<string, Json>) => Promise<void>;
}

/**
 * Trains `model` for the rest of the run: the optimizer, schedule and
 * clipping of the config; on resume the weights, optimizer and schedule
 * state and the default generator's state are restored first, so that the
 * resumed run equals an uninterrupted one step for step. Checkpoints (every
 * `--checkpoint-every` steps, on Ctrl-C, after `--stop-after` and at the end)
 * are written atomically with `writeCheckpoint`.
 */
export async function trainResumable<C extends RunConfig>(t: ResumableTraining<C>): Promise<ResumableResult> {
  const { run, options, model } = t;
  const { config, resumed, outDir } = run;
  const groups = t.paramGroups ?? [model.parameters()];
  const optimizer = makeOptimizer(config.optimizer, groups.flat(), config.lr);
  const scheduler: Scheduler | null = makeSchedule(config.schedule, optimizer, config.steps);
  let done = 0;
  let losses: number[] = [];
  const parts: Record<string, number[]> = Object.fromEntries((t.partNames ?? []).map((n) => [n, []]));
  if (resumed !== null) {
    restoreModel(resumed, model);
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
    losses = resumed.state.losses.slice(0, done);
    const storedParts = (resumed.state.parts ?? {}) as Record<string, number[]>;
    for (const name of Object.keys(parts)) parts[name] = (storedParts[name] ?? []).slice(0, done);
    (t.out ?? process.stdout).write(`resuming from ${resumed.dir} at step ${done}\n`);
  }
  const stateAt = (step: number): Parameters<typeof writeCheckpoint>[1] => ({
    config: config,
    state: {
      step,
      losses: losses.slice(0, step),
      ...(t.partNames !== undefined ? { parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, v.slice(0, step)])) } : {}),
      generator: defaultGenerator.getState() as unknown as Json,
      scheduler: (scheduler?.stateDict() ?? null) as unknown as Json,
    },
    weights: model.stateDict(),
    optimizer: serializeOptimizerState(optimizer.stateDict()),
  });
  const save = (step: number): Promise<void> => writeCheckpoint(outDir, stateAt(step));
  const progress = TrainingProgress.forRun(`train ${config.model}`, config.steps, options);
  const stopAt = Math.min(config.steps, options.stopAfter ?? config.steps);
  const { seconds } = await runTrainLoop({
    steps: stopAt,
    firstStep: done,
    progress,
    metrics: t.metrics,
    ...(t.metricsFields !== undefined ? { metricsFields: t.metricsFields } : {}),
    ...(t.partNames !== undefined ? { partNames: t.partNames } : {}),
    step: (index) =>
      tidy(() => {
        const loss = t.loss(index);
        optimizer.zeroGrad();
        (loss.size === 1 ? loss : loss.sum()).backward();
        if (config.clip !== null) for (const g of groups) clipGradNorm(g, config.clip);
        optimizer.step();
        scheduler?.step();
        return loss.detach();
      }),
    afterStep: async (stepsDone, loss, stepParts) => {
      losses.push(loss);
      (t.partNames ?? []).forEach((name, k) => parts[name]!.push(stepParts[k]!));
      if (stepsDone % options.checkpointEvery === 0 && stepsDone < config.steps) {
        await save(stepsDone);
        progress.log(`checkpoint: step ${stepsDone} saved to ${outDir}`);
      }
    },
    onInterrupt: async (stepsDone) => {
      await save(stepsDone);
      progress.log(`interrupted: step ${stepsDone} saved to ${outDir}; continue with --resume ${outDir}`);
    },
  });
  // the end state is kept as it is now: evaluation after training may draw random numbers
  const final = stateAt(stopAt);
  await writeCheckpoint(outDir, final);
  const finished = stopAt >= config.steps;
  if (!finished)
    (t.out ?? process.stdout).write(
      `\nstopped at step ${stopAt} of ${config.steps} in ${seconds.toFixed(1)}s; continue with 'webgrad train ${config.model} --resume ${outDir}'\n`,
    );
  return {
    finished,
    losses,
    parts,
    seconds,
    optimizer,
    summary: () => `trained ${config.steps} steps in ${seconds.toFixed(1)}s; loss ${formatLoss(losses[0]!)} -> ${formatLoss(losses[losses.length - 1]!)}`,
    saveResults: (results) => writeCheckpoint(outDir, { ...final, state: { ...final.state, ...results } }),
  };
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
