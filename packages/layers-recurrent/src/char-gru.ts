import { CharLanguageModel, type CharLanguageModelOptions } from './char-language-model.js';

/**
 * A character-level GRU language model (Embedding → GRU → Linear). See
 * `CharLanguageModel` for training, evaluation and generation.
 *
 * @example
 * ```ts
 * const model = new CharGRU({ vocabSize: 65, hiddenSize: 128 });
 * ```
 */
export class CharGRU extends CharLanguageModel {
  /** Builds the model. */
  constructor(options: CharLanguageModelOptions) {
    super('gru', options);
  }
}
