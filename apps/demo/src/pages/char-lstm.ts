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
import { byId, mountTrainingPage } from '../training-page.js';

const SEQ_LEN = 32;
const BATCH = 16;
const PROMPT = 'ROMEO:';
const sampleBox = byId<HTMLPreElement>('sample');

const text = await loadTinyShakespeare();
const tokenizer = CharTokenizer.fromText(text);
const tokens = tokenizer.encode(text.slice(0, 200_000));

let model: CharLSTM;
let optimizer: Adam;
let batches: IterableIterator<LmBatch>;

void mountTrainingPage({
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
  lossStep() {
    const { inputs, targets } = batches.next().value as LmBatch;
    optimizer.zeroGrad();
    const { logits } = model.forward(inputs);
    const loss = crossEntropy(reshape(logits, [-1, tokenizer.vocabSize]), reshape(targets, [-1]));
    loss.backward();
    optimizer.step();
    return loss;
  },
  async redraw() {
    model.eval();
    const ids = model.generate({
      prompt: tokenizer.encode(PROMPT),
      length: 120,
      temperature: 0.8,
      seed: 1,
    });
    model.train();
    sampleBox.textContent = PROMPT + tokenizer.decode(ids);
  },
  redrawEvery: 20,
});
