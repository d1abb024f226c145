/**
 * @packageDocumentation
 * The `webgrad` command line as a library: `runCli` runs a command line and
 * returns its exit code; `createProgram` builds the command tree. The bin is
 * `dist/cli.js`.
 */
export { runCli } from './run-cli.js';
export { createProgram } from './program.js';
export { CliError, errorLine } from './cli-error.js';
export { MetricsLog, type MetricsRecord } from './metrics-log.js';
export {
  TrainingProgress,
  formatLoss,
  formatSeconds,
  type ProgressMode,
  type TrainingProgressOptions,
  type ProgressStreams,
} from './training-progress.js';
export { runTrainLoop, type TrainLoopOptions, type TrainLoopResult } from './train-loop.js';
export {
  addCommonTrainOptions,
  type CommonTrainOptions,
  type TrainDefaults,
} from './train-options.js';
export { XorNet, xorCommand } from './commands/train/xor.js';
