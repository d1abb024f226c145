import { Generator, manualSeed, randint, setBackend, tidy, type Tensor } from '@webgrad/core-tensor';
import { AdamW } from '@webgrad/optim';
import { GPT, type GPTConfig } from '@webgrad/transformer';

/** The model every case uses: the 4 layers, 4 heads, d = 128, context 128, on a 65-character vocabulary. */
export const BENCH_GPT: GPTConfig = { vocabSize: 65, blockSize: 128, nLayer: 4, nHead: 4, nEmbd: 128 };
/** Sequences per training batch. */
export const BENCH_BATCH = 16;
/** Tokens each generation case produces after a one-token prompt (fills the context). */
export const GENERATED_TOKENS = 127;

/** One timed unit of work; `run` resolves when its result has been read back. */
export interface AsyncStep {
  /** Runs the step once and waits for its result. */
  run(): Promise<void>;
  /** Frees what the step holds. */
  dispose(): void;
}

/** A case: its key (shared with the PyTorch reference), title, tokens per step (for tokens/s) and builder. */
export interface GptCase {
  /** Key in the results JSON and of the PyTorch reference. */
  readonly key: string;
  /** What it measures. */
  readonly title: string;
  /** Tokens a step processes (trained on, or generated). */
  readonly tokens: number;
  /** Builds the step on `backend`. */
  build(backend: string): AsyncStep;
}

function model(backend: string): GPT {
  manualSeed(0);
  setBackend(backend);
  try {
    return new GPT(BENCH_GPT);
  } finally {
    setBackend('cpu');
  }
}

/** The three cases: a training step, generation with the KV cache, generation by full recomputation. */
export const GPT_CASES: readonly GptCase[] = [
  {
    key: 'gpt-train-step',
    title: `GPT train step: ${BENCH_GPT.nLayer} layers, ${BENCH_GPT.nHead} heads, d=${BENCH_GPT.nEmbd}, context ${BENCH_GPT.blockSize}, batch ${BENCH_BATCH} (forward, backward, AdamW)`,
    tokens: BENCH_BATCH * BENCH_GPT.blockSize,
    build(backend) {
      const gpt = model(backend);
      const opt = new AdamW(gpt.parameters(), { lr: 1e-3 });
      const shape = [BENCH_BATCH, BENCH_GPT.blockSize];
      const x = randint(0, BENCH_GPT.vocabSize, shape, { backend });
      const y = randint(0, BENCH_GPT.vocabSize, shape, { backend });
      return {
        async run() {
          const loss: Tensor = tidy(() => {
            opt.zeroGrad();
            const l = gpt.forward(x, { targets: y }).loss!;
            l.backward();
            opt.step();
            return l;
          });
          await loss.data();
          loss.dispose();
        },
        dispose() {
          x.dispose();
          y.dispose();
        },
      };
    },
  },
  ...[true, false].map(
    (useCache): GptCase => ({
      key: useCache ? 'gpt-generate-kv' : 'gpt-generate-full',
      title: `GPT generation, ${GENERATED_TOKENS} tokens after a 1-token prompt, batch 1, ${useCache ? 'with the KV cache (one position per token)' : 'without cache (the whole context re-run per token)'}`,
      tokens: GENERATED_TOKENS,
      build(backend) {
        const gpt = model(backend).eval();
        return {
          async run() {
            await gpt.generate([[0]], { maxNewTokens: GENERATED_TOKENS, useCache, temperature: 1, generator: new Generator(1) });
          },
          dispose() {},
        };
      },
    }),
  ),
];
