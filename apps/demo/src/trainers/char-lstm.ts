import {
  Adam,
  CharLSTM,
  crossEntropy,
  lmBatches,
  manualSeed,
  reshape,
  type LmBatch,
} from 'webgrad';
import { lmTrainStep, shakespeareTokens } from '../worker/char-corpus.js';
import type { Trainer } from '../worker/serve-trainer.js';

/** The char-LSTM page's picture: text written after the prompt. */
export interface CharLstmView {
  sample: string;
}

const SEQ_LEN = 32;
const BATCH = 16;
const PROMPT = 'ROMEO:';

/** The page's trainer, created by the training worker (`src/worker/training.worker.ts`). */
export async function createTrainer(): Promise<Trainer<CharLstmView, Record<string, never>>> {
  const { tokenizer, tokens } = await shakespeareTokens(200_000);
  const create = (): CharLSTM =>
    new CharLSTM({ vocabSize: tokenizer.vocabSize, hiddenSize: 64, numLayers: 1, embedDim: 32 });
  let model: CharLSTM;
  let optimizer: Adam;
  let batches: IterableIterator<LmBatch>;
  return {
    build() {
      manualSeed(0);
      model = create();
      optimizer = new Adam(model.parameters(), { lr: 0.01 });
      batches = lmBatches(tokens, { seqLen: SEQ_LEN, batchSize: BATCH, seed: 0 });
    },
    step: () =>
      lmTrainStep(batches, optimizer, (inputs, targets) => {
        const { logits } = model.forward(inputs);
        return crossEntropy(reshape(logits, [-1, tokenizer.vocabSize]), reshape(targets, [-1]));
      }),
    async view() {
      // generate reads each step's logits back from the model's backend (WebGPU
      // included) and frees every tensor it makes
      const ids = await model.generate({
        prompt: tokenizer.encode(PROMPT),
        length: 120,
        temperature: 0.8,
        seed: 1,
      });
      return { sample: PROMPT + tokenizer.decode(ids) };
    },
    viewEvery: 20,
  };
}
