import { Option, type Command } from 'commander';
import type { Tensor } from '@webgrad/core-tensor';
import {
  Adam,
  AdamW,
  CosineAnnealingLR,
  RMSprop,
  SGD,
  StepLR,
  type Optimizer,
  type OptimizerOptions,
  type Scheduler,
} from '@webgrad/optim';
import { parsePositiveNumber } from './option-parsers.js';

/** Optimizers `--optimizer` accepts. */
export const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'rmsprop', 'gd'] as const;
/** Schedules `--schedule` accepts. */
export const SCHEDULES = ['constant', 'cosine', 'step'] as const;

/** The optimizer options a model's command takes (`--optimizer`, `--schedule`, `--clip`/`--no-clip`). */
export interface OptimizerChoice {
  /** Optimizer name. */
  optimizer: string;
  /** Learning-rate schedule name. */
  schedule: string;
  /** Gradient-norm clipping threshold; false or undefined for none. */
  clip?: number | false;
}

/** Adds `--optimizer`, `--schedule` and `--clip`/`--no-clip` with a model's defaults. */
export function addOptimizerOptions(
  cmd: Command,
  defaults: { optimizer: (typeof OPTIMIZERS)[number]; schedule: (typeof SCHEDULES)[number]; clip: number | false },
): Command {
  return cmd
    .addOption(new Option('--optimizer <name>', 'optimizer (sgd has momentum 0.9; gd is plain gradient descent)').choices(OPTIMIZERS).default(defaults.optimizer))
    .addOption(new Option('--schedule <name>', 'learning-rate schedule over the run').choices(SCHEDULES).default(defaults.schedule))
    .option(
      '--clip <norm>',
      `clip the gradient norm to this (> 0)${defaults.clip === false ? '; off by default' : ''}`,
      parsePositiveNumber,
      defaults.clip === false ? undefined : defaults.clip,
    )
    .option('--no-clip', 'do not clip gradients');
}

/** The clipping threshold of `--clip`/`--no-clip` as stored in a config: a number, or null for none. */
export function clipNorm(clip: number | false | undefined): number | null {
  return typeof clip === 'number' ? clip : null;
}

/** Builds the optimizer `name` over `params` (sgd: momentum 0.9; gd: plain gradient descent θ ← θ − lr·∂L/∂θ). */
export function makeOptimizer(name: string, params: Tensor[], lr: number): Optimizer<OptimizerOptions> {
  switch (name) {
    case 'adamw':
      return new AdamW(params, { lr }) as unknown as Optimizer<OptimizerOptions>;
    case 'sgd':
      return new SGD(params, { lr, momentum: 0.9 }) as unknown as Optimizer<OptimizerOptions>;
    case 'gd':
      return new SGD(params, { lr }) as unknown as Optimizer<OptimizerOptions>;
    case 'rmsprop':
      return new RMSprop(params, { lr }) as unknown as Optimizer<OptimizerOptions>;
    default:
      return new Adam(params, { lr }) as unknown as Optimizer<OptimizerOptions>;
  }
}

/** Builds the schedule `name` over a run of `steps` steps (null for a constant rate). */
export function makeSchedule(name: string, optimizer: Optimizer<OptimizerOptions>, steps: number): Scheduler | null {
  if (name === 'cosine') return new CosineAnnealingLR(optimizer, { tMax: steps, etaMin: 0 });
  if (name === 'step') return new StepLR(optimizer, { stepSize: Math.max(1, Math.ceil(steps / 3)), gamma: 0.3 });
  return null;
}
