import {
  Adam,
  CharLSTM,
  CharTokenizer,
  crossEntropy,
  loadTinyShakespeare,
  lmBatches,
  manualSeed,
  reshape,
  type LmBatch,
} from 'webgrad';
import { serveTrainer, trainStep } from '../worker/serve-trainer.js';

/** The char-LSTM page's picture: text written after the prompt. */
export interface CharLstmView {
  sample: string;
}

const SEQ_LEN = 32;
const BATCH = 16;
const PROMPT = 'ROMEO:';

serveTrainer<CharLstmView, Record<string, never>>(async () => {
  const text = await loadTinyShakespeare();
  const tokenizer = CharTokenizer.fromText(text);
  const tokens = tokenizer.encode(text.slice(0, 200_000));
  let model: CharLSTM;
  let optimizer: Adam;
  let batches: IterableIterator<LmBatch>;
  return {
    build() {
      manualSeed(0);
      model = new CharLSTM({
        vocabSize: tokenizer.vocabSize,
        hiddenSize: 64,
        numLayers: 1,
        embedDim: 32,
      });
      optimizer = new Adam(model.parameters(), { lr: 0.01 });
      batches = lmBatches(tokens, { seqLen: SEQ_LEN, batchSize: BATCH, seed: 0 });
    },
    async step() {
      const { inputs, targets } = batches.next().value as LmBatch;
      const loss = await trainStep(() => {
        optimizer.zeroGrad();
        const { logits } = model.forward(inputs);
        const l = crossEntropy(reshape(logits, [-1, tokenizer.vocabSize]), reshape(targets, [-1]));
        l.backward();
        optimizer.step();
        return l;
      });
      inputs.dispose();
      targets.dispose();
      return [loss];
    },
    async view() {
      model.eval();
      const ids = model.generate({
        prompt: tokenizer.encode(PROMPT),
        length: 120,
        temperature: 0.8,
        seed: 1,
      });
      model.train();
      return { sample: PROMPT + tokenizer.decode(ids) };
    },
    viewEvery: 20,
  };
});
