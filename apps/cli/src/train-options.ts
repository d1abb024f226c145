import { Option, type Command } from 'commander';
import type { BackendChoice } from '@webgrad/core-tensor';
import {
  BACKEND_CHOICES,
  parsePositiveInt,
  parsePositiveNumber,
  parseSeed,
} from './option-parsers.js';
import { PROGRESS_MODES, type ProgressMode } from './training-progress.js';

/** The options every `webgrad train <model>` command takes. */
export interface CommonTrainOptions {
  /** Optimisation steps. */
  steps: number;
  /** Learning rate. */
  lr: number;
  /** Seed of the random stream (initialisation, data order). */
  seed: number;
  /** Which backend to train on. */
  backend: BackendChoice;
  /** A file to write metrics to as JSON lines. */
  metrics?: string;
  /** Print a plain progress line every this many steps (default: a tenth of the run). */
  logEvery?: number;
  /** When to draw the progress bar. */
  progress: ProgressMode;
}

/** A model's defaults for the common options. */
export interface TrainDefaults {
  /** Default `--steps`. */
  steps: number;
  /** Default `--lr`. */
  lr: number;
  /** Default `--seed`. */
  seed: number;
}

/** Adds the common training options to a model's command, with that model's defaults. */
export function addCommonTrainOptions(cmd: Command, defaults: TrainDefaults): Command {
  return cmd
    .option('--steps <n>', 'optimisation steps', parsePositiveInt, defaults.steps)
    .option('--lr <rate>', 'learning rate (> 0)', parsePositiveNumber, defaults.lr)
    .option('--seed <n>', 'random seed (initialisation and data order)', parseSeed, defaults.seed)
    .addOption(
      new Option(
        '--backend <name>',
        'auto picks WebGPU when a hardware adapter exists, else the CPU',
      )
        .choices(BACKEND_CHOICES)
        .default('auto'),
    )
    .option('--metrics <file>', 'also write metrics as JSON lines to this file')
    .option(
      '--log-every <n>',
      'print a progress line every n steps (default: a tenth of the run)',
      parsePositiveInt,
    )
    .addOption(
      new Option(
        '--progress <when>',
        'draw the progress bar: auto (on a terminal), always or never',
      )
        .choices(PROGRESS_MODES)
        .default('auto'),
    );
}
