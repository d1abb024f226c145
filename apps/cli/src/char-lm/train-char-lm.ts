import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { manualSeed, select, tensor, tidy } from '@webgrad/core-tensor';
import { CharTokenizer, type LmBatch } from '@webgrad/data';
import { noGrad } from '@webgrad/autograd';
import { hiddenGradientNorms, type CharLanguageModel } from '@webgrad/layers-recurrent';
import { crossEntropy } from '@webgrad/nn';
import { describeBackend, setUpBackend } from '../backend-setup.js';
import { type Json } from '../checkpoint.js';
import { CliError } from '../cli-error.js';
import { lineChartPng, lossCurvePng, SERIES_COLORS } from '../loss-curve.js';
import { MetricsLog } from '../metrics-log.js';
import { parsePositiveInt, parsePositiveNumber } from '../option-parsers.js';
import { prepareRun, resumableTrainCommand, trainResumable, type ResumableTrainOptions, type RunConfig } from '../resumable-run.js';
import { formatLoss } from '../training-progress.js';
import { buildCharLm, readTrainingText, splitText, windowBatches, type CharLmConfig, type CharLmFamily } from './char-lm-setup.js';

/** Options of `webgrad train char-lstm|char-gru`. */
interface CharLmOptions extends ResumableTrainOptions {
  data?: string;
  valFraction: number;
  batchSize: number;
  seqLen: number;
  hiddenSize: number;
  layers: number;
  embedDim?: number;
  dropout: number;
  sampleLength: number;
  temperature: number;
}

/** Options that define the model and its training; a resumed run must not change them. */
const FIXED_ON_RESUME = ['data', 'valFraction', 'batchSize', 'seqLen', 'hiddenSize', 'layers', 'embedDim', 'dropout'];

/** Parses a fraction in (0, 1). */
function parseFraction(value: string): number {
  const n = parsePositiveNumber(value);
  if (n >= 1) throw new InvalidArgumentError('expected a number between 0 and 1');
  return n;
}

/** Parses a probability in [0, 1). */
function parseDropout(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 1)) throw new InvalidArgumentError('expected a number in [0, 1)');
  return n;
}

/**
 * `webgrad train char-lstm` / `char-gru`: a character language model on the
 * shipped tiny Shakespeare (or `--data file`), trained on random windows of
 * the text (nanoGPT's sampler: step s's batch depends only on the seed and
 * s), with checkpoints every N steps and on Ctrl-C that `--resume`
 * continues exactly; ends with validation loss, a loss-curve PNG, the
 * gradient-flow PNG and generated text.
 */
export function charLmCommand(family: CharLmFamily): Command {
  const cell = family === 'char-lstm' ? 'LSTM' : 'GRU';
  return resumableTrainCommand(family, `train a character-level ${cell} language model on tiny Shakespeare (or --data) and generate text`, { steps: 300, lr: 0.005, seed: 0, optimizer: 'adam', schedule: 'cosine', clip: 1 })
    .option('--data <file>', 'a UTF-8 text file to train on (default: the shipped tiny Shakespeare)')
    .option('--val-fraction <f>', 'fraction of the text held out for validation', parseFraction, 0.1)
    .option('--batch-size <n>', 'sequences per batch', parsePositiveInt, 32)
    .option('--seq-len <n>', 'characters per sequence (backpropagation through time)', parsePositiveInt, 64)
    .option('--hidden-size <n>', 'hidden units per layer', parsePositiveInt, 128)
    .option('--layers <n>', 'stacked recurrent layers', parsePositiveInt, 1)
    .option('--embed-dim <n>', 'character embedding width (default: 64)', parsePositiveInt)
    .option('--dropout <p>', 'dropout between layers and before the output layer', parseDropout, 0)
    .option('--sample-length <n>', 'characters to generate at the end', parsePositiveInt, 300)
    .option('--temperature <t>', 'sampling temperature of the final text', parsePositiveNumber, 0.8)
    .action(async (options: CharLmOptions, command: Command) => {
      await trainCharLm(family, options, command);
    });
}

async function trainCharLm(family: CharLmFamily, options: CharLmOptions, command: Command): Promise<void> {
  // Everything is read and checked before anything is written.
  let text: string | null = null;
  const run = await prepareRun<RunConfig>(family, options, command, FIXED_ON_RESUME, async () => {
    text = await readTrainingText(options.data ?? null);
    return { tokenizer: CharTokenizer.fromText(text).toJSON() as unknown as Json, embedDim: options.embedDim ?? 64 };
  });
  const cfg = run.config as unknown as CharLmConfig;
  text ??= await readTrainingText(cfg.data);
  const outDir = run.outDir;
  const tokenizer = CharTokenizer.fromJSON(cfg.tokenizer);
  const data = splitText(tokenizer, text, cfg.valFraction);
  if (data.train.length <= cfg.seqLen + 1 || data.validation.length <= cfg.seqLen + 1)
    throw new CliError(`the text is too short for --seq-len ${cfg.seqLen} (${data.train.length} training and ${data.validation.length} validation characters)`, {
      hint: 'use a longer --data file or a smaller --seq-len',
    });

  await MetricsLog.using(options.metrics, async (metrics) => {
    const info = await setUpBackend(options.backend);
    const out = process.stdout;
    manualSeed(cfg.seed);
    const model = buildCharLm(cfg);
    const nParams = model.parameters().reduce((n, p) => n + p.size, 0);
    out.write(`webgrad train ${family}: ${cell(family)} ${cfg.layers}×${cfg.hiddenSize}, ${tokenizer.vocabSize} characters, ${nParams} parameters\n`);
    out.write(`backend: ${describeBackend(info)}\n`);
    out.write(
      `data: ${cfg.data ?? 'tiny Shakespeare (shipped)'}, ${data.train.length} training / ${data.validation.length} validation characters\n`,
    );
    out.write(
      `steps ${cfg.steps}, batch ${cfg.batchSize}×${cfg.seqLen}, ${cfg.optimizer} lr ${cfg.lr} (${cfg.schedule}), clip ${cfg.clip ?? 'off'}, seed ${cfg.seed}\n`,
    );
    // nanoGPT's sampler: the batch of step s depends only on the seed and s
    const batches = windowBatches(data.train, { seqLen: cfg.seqLen, batchSize: cfg.batchSize, seed: cfg.seed, firstStep: run.resumed?.state.step ?? 0, backend: info.name });
    const result = await trainResumable({
      run,
      options,
      model,
      metrics,
      loss: () => {
        const batch = batches.next().value as LmBatch;
        return model.loss(batch.inputs, batch.targets, null).loss;
      },
    });
    if (!result.finished) return;

    const losses = result.losses;
    const evaluation = await model.evaluate(data.validation.slice(0, 20_000), { seqLen: cfg.seqLen, batchSize: 16 });
    await writeFile(join(outDir, 'loss.png'), lossCurvePng(losses));
    const flow = await gradientFlow(model, data.validation, cfg.seqLen);
    await writeFile(join(outDir, 'gradient-flow.png'), lineChartPng(flow.map((y, l) => ({ y, color: SERIES_COLORS[l % SERIES_COLORS.length]! })), { logY: true }));
    const first = losses[0]!;
    const last = losses[losses.length - 1]!;
    out.write(`\ntrained to step ${cfg.steps} in ${result.seconds.toFixed(1)}s; loss ${formatLoss(first)} -> ${formatLoss(last)}\n`);
    out.write(
      `validation: loss ${formatLoss(evaluation.loss)}, perplexity ${evaluation.perplexity.toFixed(3)}, ${evaluation.bitsPerToken.toFixed(3)} bits/char\n`,
    );
    const flow0 = flow[0]!;
    out.write(
      `gradient flow (layer 1): ‖∂L/∂h_1‖ / ‖∂L/∂h_${flow0.length}‖ = ${(flow0[0]! / flow0[flow0.length - 1]!).toExponential(2)} for a loss on the last of ${flow0.length} steps\n`,
    );
    out.write(`checkpoint: ${outDir} (sample with 'webgrad sample ${outDir}', evaluate with 'webgrad eval ${outDir}')\n`);
    out.write(`pictures: ${join(outDir, 'loss.png')}, ${join(outDir, 'gradient-flow.png')}\n`);
    const prompt = [data.validation[0]!];
    const ids = await model.generate({ prompt, length: options.sampleLength, temperature: options.temperature, seed: cfg.seed });
    out.write(`\n--- generated text (temperature ${options.temperature}) ---\n${tokenizer.decode(ids)}\n`);
  });
}

/**
 * ‖∂L/∂h_t‖ for t = 1..T of each layer, with L the cross-entropy of the
 * prediction at the last step of one validation window: how much gradient
 * reaches earlier hidden states.
 */
async function gradientFlow(model: CharLanguageModel, tokens: readonly number[], seqLen: number): Promise<number[][]> {
  const B = 8;
  const T = Math.min(seqLen, Math.floor((tokens.length - 1) / B));
  const x: number[] = [];
  const y: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) x.push(tokens[b * T + t]!);
    y.push(tokens[b * T + T]!);
  }
  const backend = model.head.weight.backend.name;
  const { embedded, targets } = tidy(() => ({
    embedded: noGrad(() => model.embedding.forward(tensor(Int32Array.from(x), { shape: [B, T], backend }))),
    targets: tensor(Int32Array.from(y), { shape: [B], backend }),
  }));
  try {
    const { norms } = await hiddenGradientNorms(model.rnn, embedded, (run) => crossEntropy(model.head.forward(select(run.output, 1, T - 1)), targets));
    return norms.map((dirs) => dirs[0]!);
  } finally {
    embedded.dispose();
    targets.dispose();
  }
}

function cell(family: CharLmFamily): string {
  return family === 'char-lstm' ? 'LSTM' : 'GRU';
}
