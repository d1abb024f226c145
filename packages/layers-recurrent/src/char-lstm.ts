import { CharLanguageModel, type CharLanguageModelOptions } from './char-language-model.js';

/**
 * A character-level LSTM language model (Embedding → LSTM → Linear), as in
 * Karpathy's char-rnn. See `CharLanguageModel` for training, evaluation and
 * generation.
 *
 * @example
 * ```ts
 * const model = new CharLSTM({ vocabSize: 65, hiddenSize: 256, numLayers: 2 });
 * const { loss, state } = await model.trainStep(inputs, targets, adam, { maxGradNorm: 5 });
 * const text = tokenizer.decode(await model.generate({ prompt: tokenizer.encode('ROMEO:'), length: 200, temperature: 0.8, seed: 1 }));
 * ```
 */
export class CharLSTM extends CharLanguageModel {
  /** Builds the model. */
  constructor(options: CharLanguageModelOptions) {
    super('lstm', options);
  }
}
