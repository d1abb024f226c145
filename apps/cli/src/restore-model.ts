import type { Tensor } from '@webgrad/core-tensor';
import type { Checkpoint } from './checkpoint.js';
import { CliError } from './cli-error.js';

/** What restoring needs of a model (any `@webgrad/nn` module has it). */
export interface TrainedModel {
  /** The parameters. */
  parameters(): Tensor[];
  /** The weights by name. */
  stateDict(): Record<string, Tensor>;
  /** Loads weights by name (throws when they do not fit). */
  loadStateDict(state: Record<string, Tensor>): unknown;
}

/**
 * Loads the checkpoint's weights into `model` (built from its config); a
 * one-line error when they do not fit the configured shapes.
 */
export function restoreModel<M extends TrainedModel>(checkpoint: Checkpoint, model: M): M {
  try {
    model.loadStateDict(checkpoint.weights);
  } catch (e) {
    throw new CliError(`checkpoint '${checkpoint.dir}' does not fit its config.json: ${(e as Error).message}`, {
      hint: 'the weights belong to another model; train again or pass the matching checkpoint',
      exitCode: 1,
    });
  }
  return model;
}
