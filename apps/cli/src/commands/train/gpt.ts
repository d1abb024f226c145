import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { Generator, manualSeed, tidy } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { CharTokenizer, lmBatches, type LmBatch } from '@webgrad/data';
import { AdamW, serializeOptimizerState } from '@webgrad/optim';
import { clipGradNorm } from '@webgrad/regularize';
import { GPT } from '@webgrad/transformer';
import { describeBackend, setUpBackend } from '../../backend-setup.js';
import { readTrainingText, splitText } from '../../char-lm/char-lm-setup.js';
import { writeCheckpoint } from '../../checkpoint.js';
import { lossCurvePng } from '../../loss-curve.js';
import { MetricsLog } from '../../metrics-log.js';
import { parsePositiveInt, parsePositiveNumber } from '../../option-parsers.js';
import { addCommonTrainOptions, type CommonTrainOptions } from '../../train-options.js';
import { runTrainLoop } from '../../train-loop.js';
import { TrainingProgress, formatLoss } from '../../training-progress.js';

/** Options of `webgrad train gpt`. */
interface GptOptions extends CommonTrainOptions {
  data?: string;
  batchSize: number;
  blockSize: number;
  layers: number;
  heads: number;
  embd: number;
  out: string;
  sampleLength: number;
  temperature: number;
}

/**
 * `webgrad train gpt`: a small character-level GPT (decoder-only transformer
 * with a KV cache) on tiny Shakespeare or `--data`, AdamW on random windows,
 * reporting the validation loss and ending with generated text.
 */
export function gptCommand(): Command {
  const cmd = new Command('gpt').description(
    'train a small character-level GPT on tiny Shakespeare (or --data) and generate text',
  );
  return addCommonTrainOptions(cmd, { steps: 300, lr: 0.003, seed: 0 })
    .option('--data <file>', 'a UTF-8 text file to train on (default: the shipped tiny Shakespeare)')
    .option('--batch-size <n>', 'sequences per batch', parsePositiveInt, 16)
    .option('--block-size <n>', 'context length in characters', parsePositiveInt, 64)
    .option('--layers <n>', 'transformer blocks', parsePositiveInt, 2)
    .option('--heads <n>', 'attention heads per block', parsePositiveInt, 4)
    .option('--embd <n>', 'embedding width (a multiple of --heads)', parsePositiveInt, 64)
    .option('--out <dir>', 'output directory (weights, config, loss curve)', 'runs/gpt')
    .option('--sample-length <n>', 'characters to generate at the end', parsePositiveInt, 300)
    .option('--temperature <t>', 'sampling temperature of the final text', parsePositiveNumber, 0.8)
    .action(async (options: GptOptions) => {
      await trainGpt(options);
    });
}

async function trainGpt(options: GptOptions): Promise<void> {
  const text = await readTrainingText(options.data ?? null);
  const tokenizer = CharTokenizer.fromText(text);
  const data = splitText(tokenizer, text, 0.1);
  const metrics = options.metrics !== undefined ? MetricsLog.open(options.metrics) : null;
  try {
    const info = await setUpBackend(options.backend);
    const out = process.stdout;
    manualSeed(options.seed);
    const config = { vocabSize: tokenizer.vocabSize, blockSize: options.blockSize, nLayer: options.layers, nHead: options.heads, nEmbd: options.embd };
    const gpt = new GPT(config);
    const params = gpt.parameters();
    const optimizer = new AdamW(params, { lr: options.lr, weightDecay: 0.01 });
    out.write(
      `webgrad train gpt: ${options.layers} blocks, ${options.heads} heads, width ${options.embd}, context ${options.blockSize}, ${tokenizer.vocabSize} characters, ${params.reduce((n, p) => n + p.size, 0)} parameters\n`,
    );
    out.write(`backend: ${describeBackend(info)}\n`);
    out.write(`data: ${options.data ?? 'tiny Shakespeare (shipped)'}; steps ${options.steps}, batch ${options.batchSize}, AdamW lr ${options.lr}, seed ${options.seed}\n`);
    const batches: Iterator<LmBatch> = lmBatches(data.train, { seqLen: options.blockSize, batchSize: options.batchSize, seed: options.seed, backend: info.name });
    const progress = TrainingProgress.forRun('train gpt', options.steps, options);
    const { losses, seconds } = await runTrainLoop({
      steps: options.steps,
      progress,
      metrics,
      step: () =>
        tidy(() => {
          const { inputs, targets } = batches.next().value as LmBatch;
          const loss = gpt.forward(inputs, { targets }).loss!;
          optimizer.zeroGrad();
          loss.backward();
          clipGradNorm(params, 1);
          optimizer.step();
          return loss;
        }),
    });
    // validation: the mean loss of 8 seeded windows batches of the held-out text
    gpt.eval();
    let validation = 0;
    const evalBatches = lmBatches(data.validation, { seqLen: options.blockSize, batchSize: options.batchSize, seed: options.seed + 1, steps: 8, backend: info.name });
    for (const { inputs, targets } of evalBatches) {
      const l = noGrad(() => tidy(() => gpt.forward(inputs, { targets }).loss!));
      validation += (await l.itemAsync()) / 8;
      l.dispose();
      inputs.dispose();
      targets.dispose();
    }
    await writeCheckpoint(options.out, {
      config: { model: 'gpt', tokenizer: tokenizer.toJSON() as unknown as Record<string, string>, data: options.data ?? null, ...config, steps: options.steps, batchSize: options.batchSize, lr: options.lr, seed: options.seed },
      state: { step: options.steps, losses, validationLoss: validation },
      weights: gpt.stateDict(),
      optimizer: serializeOptimizerState(optimizer.stateDict()),
    });
    await writeFile(join(options.out, 'loss.png'), lossCurvePng(losses));
    out.write(`\ntrained ${options.steps} steps in ${seconds.toFixed(1)}s; loss ${formatLoss(losses[0]!)} -> ${formatLoss(losses[losses.length - 1]!)}\n`);
    out.write(`validation: loss ${formatLoss(validation)}, perplexity ${Math.exp(validation).toFixed(3)}\n`);
    out.write(`saved: ${options.out} (weights, config, optimizer state, loss.png)\n`);
    const [ids] = await gpt.generate([[data.validation[0]!]], {
      maxNewTokens: options.sampleLength,
      temperature: options.temperature,
      generator: new Generator(options.seed),
    });
    out.write(`\n--- generated text (temperature ${options.temperature}) ---\n${tokenizer.decode(ids!)}\n`);
  } finally {
    metrics?.close();
  }
}
