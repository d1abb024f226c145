import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { Generator, manualSeed, tidy } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { CharTokenizer, lmBatches, type CharTokenizerJSON, type LmBatch } from '@webgrad/data';
import { GPT } from '@webgrad/transformer';
import { describeBackend, setUpBackend } from '../../backend-setup.js';
import { readTrainingText, splitText, windowBatches } from '../../char-lm/char-lm-setup.js';
import { type Json } from '../../checkpoint.js';
import { lossCurvePng } from '../../loss-curve.js';
import { MetricsLog } from '../../metrics-log.js';
import { parsePositiveInt, parsePositiveNumber } from '../../option-parsers.js';
import { prepareRun, resumableTrainCommand, trainResumable, type ResumableTrainOptions, type RunConfig } from '../../resumable-run.js';
import { formatLoss } from '../../training-progress.js';

/** Options of `webgrad train gpt`. */
interface GptOptions extends ResumableTrainOptions {
  data?: string;
  batchSize: number;
  blockSize: number;
  layers: number;
  heads: number;
  embd: number;
  sampleLength: number;
  temperature: number;
}

/** How a GPT run is built: its checkpoint's `config.json`. */
export interface GptConfig extends RunConfig {
  /** The text file trained on, or null for tiny Shakespeare. */
  data: string | null;
  /** The tokenizer (the characters of the text). */
  tokenizer: Json;
  /** Vocabulary size. */
  vocabSize: number;
  /** Context length. */
  blockSize: number;
  /** Transformer blocks. */
  layers: number;
  /** Attention heads per block. */
  heads: number;
  /** Embedding width. */
  embd: number;
  /** Sequences per batch. */
  batchSize: number;
}

/** Options that define the run; a resumed run must not change them. */
const FIXED_ON_RESUME = ['data', 'batchSize', 'blockSize', 'layers', 'heads', 'embd'];

/** The GPT of a config (initialised from the global RNG). */
export function buildGpt(cfg: GptConfig): GPT {
  return new GPT({ vocabSize: cfg.vocabSize, blockSize: cfg.blockSize, nLayer: cfg.layers, nHead: cfg.heads, nEmbd: cfg.embd });
}

/**
 * `webgrad train gpt`: a small character-level GPT (decoder-only transformer
 * with a KV cache) on tiny Shakespeare or `--data`, AdamW on random windows,
 * reporting the validation loss and ending with generated text.
 */
export function gptCommand(): Command {
  return resumableTrainCommand('gpt', 'train a small character-level GPT on tiny Shakespeare (or --data) and generate text', { steps: 300, lr: 0.003, seed: 0, optimizer: 'adamw', schedule: 'constant', clip: 1 })
    .option('--data <file>', 'a UTF-8 text file to train on (default: the shipped tiny Shakespeare)')
    .option('--batch-size <n>', 'sequences per batch', parsePositiveInt, 16)
    .option('--block-size <n>', 'context length in characters', parsePositiveInt, 64)
    .option('--layers <n>', 'transformer blocks', parsePositiveInt, 2)
    .option('--heads <n>', 'attention heads per block', parsePositiveInt, 4)
    .option('--embd <n>', 'embedding width (a multiple of --heads)', parsePositiveInt, 64)
    .option('--sample-length <n>', 'characters to generate at the end', parsePositiveInt, 300)
    .option('--temperature <t>', 'sampling temperature of the final text', parsePositiveNumber, 0.8)
    .action(async (options: GptOptions, command: Command) => {
      await trainGpt(options, command);
    });
}

async function trainGpt(options: GptOptions, command: Command): Promise<void> {
  let text: string | null = null;
  const run = await prepareRun<GptConfig>('gpt', options, command, FIXED_ON_RESUME, async () => {
    text = await readTrainingText(options.data ?? null);
    const tokenizer = CharTokenizer.fromText(text);
    return { tokenizer: tokenizer.toJSON() as unknown as Json, vocabSize: tokenizer.vocabSize };
  });
  const cfg = run.config;
  text ??= await readTrainingText(cfg.data);
  const tokenizer = CharTokenizer.fromJSON(cfg.tokenizer as unknown as CharTokenizerJSON);
  const data = splitText(tokenizer, text, 0.1);
  await MetricsLog.using(options.metrics, async (metrics) => {
    const info = await setUpBackend(options.backend);
    const out = process.stdout;
    manualSeed(cfg.seed);
    const gpt = buildGpt(cfg);
    const nParams = gpt.parameters().reduce((n, p) => n + p.size, 0);
    out.write(
      `webgrad train gpt: ${cfg.layers} blocks, ${cfg.heads} heads, width ${cfg.embd}, context ${cfg.blockSize}, ${tokenizer.vocabSize} characters, ${nParams} parameters\n`,
    );
    out.write(`backend: ${describeBackend(info)}\n`);
    out.write(
      `data: ${cfg.data ?? 'tiny Shakespeare (shipped)'}; steps ${cfg.steps}, batch ${cfg.batchSize}, ${cfg.optimizer} lr ${cfg.lr} (${cfg.schedule}), clip ${cfg.clip ?? 'off'}, seed ${cfg.seed}\n`,
    );
    // random windows: the batch of step s depends only on the seed and s
    const batches = windowBatches(data.train, { seqLen: cfg.blockSize, batchSize: cfg.batchSize, seed: cfg.seed, firstStep: run.resumed?.state.step ?? 0, backend: info.name });
    const result = await trainResumable({
      run,
      options,
      model: gpt,
      metrics,
      loss: () => {
        gpt.train();
        const { inputs, targets } = batches.next().value as LmBatch;
        return gpt.forward(inputs, { targets }).loss!;
      },
    });
    if (!result.finished) return;
    // validation: the mean loss of 8 seeded batches of windows of the held-out text
    gpt.eval();
    let validation = 0;
    const evalBatches = lmBatches(data.validation, { seqLen: cfg.blockSize, batchSize: cfg.batchSize, seed: cfg.seed + 1, steps: 8, backend: info.name });
    for (const { inputs, targets } of evalBatches) {
      const l = noGrad(() => tidy(() => gpt.forward(inputs, { targets }).loss!));
      validation += (await l.itemAsync()) / 8;
      l.dispose();
      inputs.dispose();
      targets.dispose();
    }
    await result.saveResults({ validationLoss: validation });
    await writeFile(join(run.outDir, 'loss.png'), lossCurvePng(result.losses));
    out.write(`\n${result.summary()}\n`);
    out.write(`validation: loss ${formatLoss(validation)}, perplexity ${Math.exp(validation).toFixed(3)}\n`);
    out.write(`saved: ${run.outDir} (weights, config, optimizer state, loss.png)\n`);
    const [ids] = await gpt.generate([[data.validation[0]!]], {
      maxNewTokens: options.sampleLength,
      temperature: options.temperature,
      generator: new Generator(cfg.seed),
    });
    out.write(`\n--- generated text (temperature ${options.temperature}) ---\n${tokenizer.decode(ids!)}\n`);
  });
}
