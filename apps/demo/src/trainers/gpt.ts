import { AdamW, GPT, Generator, lmBatches, manualSeed, type LmBatch } from 'webgrad';
import { lmTrainStep, shakespeareTokens } from '../worker/char-corpus.js';
import type { Trainer } from '../worker/serve-trainer.js';

/** The GPT page's picture while it trains: a short sample with the default settings. */
export interface GptView {
  sample: string;
}

/** What the playground asks for. */
export interface GenerateRequest {
  prompt: string;
  maxNewTokens: number;
  temperature: number;
  /** Keep the k most likely characters (null: all). */
  topK: number | null;
  /** Keep the smallest set of characters with probability ≥ p (null: all). */
  topP: number | null;
  seed: number;
  /** Reuse the keys and values of earlier positions (the default); off, every character re-runs the context. */
  useCache: boolean;
}

/** The generated text and how long it took. */
export interface Generated {
  text: string;
  tokensPerSecond: number;
}

/** The requests of the GPT page's worker. */
export type GptRequests = {
  /** Continues the prompt with the current model, using the KV cache. */
  generate(arg: GenerateRequest): Promise<Generated>;
};

const SEQ_LEN = 64;
const BATCH = 16;
const PREVIEW_PROMPT = 'ROMEO:';

/** The page's trainer, created by the training worker (`src/worker/training.worker.ts`). */
export async function createTrainer(): Promise<Trainer<GptView, GptRequests>> {
  const { tokenizer, tokens } = await shakespeareTokens(300_000);
  let model: GPT;
  let optimizer: AdamW;
  let batches: IterableIterator<LmBatch>;

  /** Samples after `prompt` with the KV cache; the model is in eval mode meanwhile. */
  async function generate(request: GenerateRequest): Promise<Generated> {
    if (request.prompt.length === 0)
      throw new Error('the prompt is empty: give it at least one character');
    // a character tiny Shakespeare never uses is refused by the tokenizer, naming it
    const prompt = tokenizer.encode(request.prompt);
    const started = performance.now();
    model.eval();
    const [ids] = await model.generate([prompt], {
      maxNewTokens: request.maxNewTokens,
      temperature: request.temperature,
      topK: request.topK,
      topP: request.topP,
      generator: new Generator(request.seed),
      useCache: request.useCache,
    });
    model.train();
    const seconds = (performance.now() - started) / 1000;
    return { text: tokenizer.decode(ids!), tokensPerSecond: request.maxNewTokens / seconds };
  }

  return {
    build() {
      manualSeed(0);
      model = new GPT({
        vocabSize: tokenizer.vocabSize,
        blockSize: SEQ_LEN,
        nLayer: 2,
        nHead: 4,
        nEmbd: 64,
      });
      optimizer = new AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0.01 });
      batches = lmBatches(tokens, { seqLen: SEQ_LEN, batchSize: BATCH, seed: 0 });
    },
    step: () =>
      lmTrainStep(
        batches,
        optimizer,
        (inputs, targets) => model.forward(inputs, { targets }).loss!,
      ),
    async view() {
      const { text: sample } = await generate({
        prompt: PREVIEW_PROMPT,
        maxNewTokens: 80,
        temperature: 0.8,
        topK: null,
        topP: null,
        seed: 1,
        useCache: true,
      });
      return { sample };
    },
    viewEvery: 25,
    requests: { generate },
  };
}
