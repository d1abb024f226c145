import { Command, InvalidArgumentError, Option } from 'commander';
import { manualSeed, type Tensor } from '@webgrad/core-tensor';
import { DIGIT_SEQ_VOCAB, digitSeq2Seq, type DigitSeq2Seq } from '@webgrad/data';
import { Seq2Seq, type Seq2SeqAttention } from '@webgrad/layers-recurrent';
import { crossEntropy } from '@webgrad/nn';
import { describeBackend, setUpBackend } from '../../backend-setup.js';
import { CliError } from '../../cli-error.js';
import { MetricsLog } from '../../metrics-log.js';
import { parsePositiveInt } from '../../option-parsers.js';
import { prepareRun, resumableTrainCommand, trainResumable, type ResumableTrainOptions, type RunConfig } from '../../resumable-run.js';
import { stepSeed } from '../../step-data.js';

/** The digit-string tasks. */
const TASKS = ['reverse', 'sort'] as const;
/** Attention `--attention` accepts. */
const ATTENTIONS = ['bahdanau', 'luong', 'none'] as const;
/** Decoders `--decode` accepts. */
export const DECODERS = ['greedy', 'beam'] as const;
/** How a held-out sentence is decoded. */
export type Seq2SeqDecoder = (typeof DECODERS)[number];

/** What defines a seq2seq run (options of the command, fields of its `config.json`). */
interface Seq2SeqSettings {
  /** Reverse or sort the digits. */
  task: (typeof TASKS)[number];
  /** The attention. */
  attention: Seq2SeqAttention;
  /** Recurrent unit. */
  cell: 'gru' | 'lstm';
  /** Shortest digit string. */
  minLength: number;
  /** Longest digit string. */
  maxLength: number;
  /** Hidden units. */
  hiddenSize: number;
  /** Token embedding width. */
  embedDim: number;
  /** Pairs per batch. */
  batchSize: number;
  /** Probability of feeding the true previous token while training. */
  teacherForcing: number;
}

/** Options of `webgrad train seq2seq`. */
interface Seq2SeqCliOptions extends ResumableTrainOptions, Seq2SeqSettings {
  decode: Seq2SeqDecoder;
  beamWidth: number;
  evalSize: number;
}

/** How a run is built: its checkpoint's `config.json`. */
export interface Seq2SeqConfig extends RunConfig, Seq2SeqSettings {}

/** Options that define the run; a resumed run must not change them. */
const FIXED_ON_RESUME = ['task', 'attention', 'cell', 'minLength', 'maxLength', 'hiddenSize', 'embedDim', 'batchSize', 'teacherForcing'];

/** Parses a probability in [0, 1]. */
function parseRatio(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number from 0 to 1');
  return n;
}

/** The model of a config (initialised from the global RNG). */
export function buildSeq2Seq(cfg: Seq2SeqConfig): Seq2Seq {
  return new Seq2Seq({
    srcVocab: DIGIT_SEQ_VOCAB.size,
    tgtVocab: DIGIT_SEQ_VOCAB.size,
    embedDim: cfg.embedDim,
    hiddenSize: cfg.hiddenSize,
    cell: cfg.cell,
    attention: cfg.attention,
    padIndex: DIGIT_SEQ_VOCAB.pad,
  });
}

/**
 * `n` digit-string pairs of the run's task drawn with `seed`, the tokens on
 * `backend` and the lengths on the CPU (the encoder reads them on the host).
 */
export function seq2seqPairs(cfg: Seq2SeqConfig, n: number, seed: number, backend: string): DigitSeq2Seq {
  const pairs = digitSeq2Seq({ numSequences: n, task: cfg.task, minLength: cfg.minLength, maxLength: cfg.maxLength, seed, backend: 'cpu' });
  return { ...pairs, source: pairs.source.to(backend), target: pairs.target.to(backend) };
}

/** The held-out pairs of a run (never trained on: training steps use other seeds), on `backend`. */
export function heldOutPairs(cfg: Seq2SeqConfig, n: number, backend: string): DigitSeq2Seq {
  return seq2seqPairs(cfg, n, stepSeed(cfg.seed, -1), backend);
}

/** What `seq2seqAccuracy` measures. */
export interface Seq2SeqAccuracy {
  /** Fraction of sentences decoded exactly right. */
  exactMatch: number;
  /** Fraction of answer positions right (a missing or extra token counts as wrong). */
  tokenAccuracy: number;
  /** Pairs evaluated. */
  count: number;
  /** The first few: source digits, the answer, the model's output. */
  examples: { source: number[]; answer: number[]; output: number[] }[];
}

/**
 * Exact-match accuracy of `model` on `pairs`, decoding each source greedily
 * (the whole batch at once) or by beam search (one sentence at a time).
 */
export async function seq2seqAccuracy(model: Seq2Seq, pairs: DigitSeq2Seq, decode: Seq2SeqDecoder, beamWidth: number): Promise<Seq2SeqAccuracy> {
  const { bos, eos } = DIGIT_SEQ_VOCAB;
  model.eval();
  const n = pairs.source.shape[0]!;
  const srcRows = await pairs.source.array() as number[][];
  const tgtRows = await pairs.target.array() as number[][];
  const lengths = Array.from(await pairs.sourceLengths.data());
  const maxLength = pairs.target.shape[1]!;
  let outputs: number[][];
  if (decode === 'greedy') outputs = (await model.greedyDecode(pairs.source, { bos, eos, maxLength, srcLengths: lengths })).tokens;
  else {
    outputs = [];
    for (let i = 0; i < srcRows.length; i++) {
      const src = pairs.source.narrow(0, i, 1).narrow(1, 0, lengths[i]!);
      outputs.push((await model.beamSearch(src, { bos, eos, beamWidth, maxLength }))[0]?.tokens ?? []);
      src.dispose();
    }
  }
  let exact = 0;
  let right = 0;
  let positions = 0;
  const examples: Seq2SeqAccuracy['examples'] = [];
  outputs.forEach((output, i) => {
    const answer = tgtRows[i]!.slice(1, tgtRows[i]!.indexOf(eos));
    if (answer.length === output.length && answer.every((d, k) => d === output[k])) exact++;
    answer.forEach((d, k) => (right += output[k] === d ? 1 : 0));
    positions += Math.max(answer.length, output.length);
    if (examples.length < 5) examples.push({ source: srcRows[i]!.slice(0, lengths[i]! - 1), answer, output });
  });
  return { exactMatch: exact / n, tokenAccuracy: right / positions, count: n, examples };
}

/** One line per example: `3 1 4 -> 4 1 3 (right)`. */
export function formatExamples(r: Seq2SeqAccuracy): string {
  return r.examples
    .map((e) => `  ${e.source.join(' ')}  ->  ${e.output.join(' ') || '(nothing)'}  ${e.output.join() === e.answer.join() ? '(right)' : `(expected ${e.answer.join(' ')})`}\n`)
    .join('');
}

/**
 * `webgrad train seq2seq`: an encoder–decoder with Bahdanau or Luong
 * attention (or none) learning to reverse or sort digit strings, trained
 * with teacher forcing on fresh pairs every step, reporting the held-out
 * exact-match accuracy under greedy or beam-search decoding.
 */
export function seq2seqCommand(): Command {
  return resumableTrainCommand('seq2seq', 'train an attention encoder-decoder to reverse or sort digit strings; held-out exact-match accuracy (greedy or beam decoding)', { steps: 500, lr: 0.005, seed: 0, optimizer: 'adam', schedule: 'cosine', clip: 1 })
    .addOption(new Option('--task <name>', 'reverse the digits, or sort them ascending').choices(TASKS).default('reverse'))
    .addOption(new Option('--attention <kind>', 'additive (Bahdanau), multiplicative (Luong) or none').choices(ATTENTIONS).default('bahdanau'))
    .addOption(new Option('--cell <name>', 'recurrent unit of encoder and decoder').choices(['gru', 'lstm']).default('gru'))
    .option('--min-length <n>', 'shortest digit string', parsePositiveInt, 1)
    .option('--max-length <n>', 'longest digit string', parsePositiveInt, 6)
    .option('--hidden-size <n>', 'hidden units of encoder and decoder', parsePositiveInt, 64)
    .option('--embed-dim <n>', 'token embedding width', parsePositiveInt, 32)
    .option('--batch-size <n>', 'pairs per batch (fresh ones every step)', parsePositiveInt, 32)
    .option('--teacher-forcing <ratio>', 'probability of feeding the true previous token while training (else the model\'s own guess)', parseRatio, 1)
    .addOption(new Option('--decode <how>', 'decoding of the held-out pairs').choices(DECODERS).default('greedy'))
    .option('--beam-width <n>', 'hypotheses kept by beam search', parsePositiveInt, 4)
    .option('--eval-size <n>', 'held-out pairs to evaluate', parsePositiveInt, 200)
    .action(async (options: Seq2SeqCliOptions, command: Command) => {
      await trainSeq2Seq(options, command);
    });
}

async function trainSeq2Seq(options: Seq2SeqCliOptions, command: Command): Promise<void> {
  if (options.minLength > options.maxLength)
    throw new CliError(`--min-length ${options.minLength} is greater than --max-length ${options.maxLength}`, {
      hint: 'pass --min-length at most --max-length',
    });
  const run = await prepareRun<Seq2SeqConfig>('seq2seq', options, command, FIXED_ON_RESUME);
  const cfg = run.config;
  await MetricsLog.using(options.metrics, async (metrics) => {
    const info = await setUpBackend(options.backend);
    const out = process.stdout;
    manualSeed(cfg.seed);
    const model = buildSeq2Seq(cfg);
    const nParams = model.parameters().reduce((n, p) => n + p.size, 0);
    out.write(
      `webgrad train seq2seq: ${cfg.task} digit strings of length ${cfg.minLength}-${cfg.maxLength}; ${cfg.cell.toUpperCase()} encoder-decoder, ${cfg.attention} attention, hidden ${cfg.hiddenSize}, ${nParams} parameters\n`,
    );
    out.write(`backend: ${describeBackend(info)}\n`);
    out.write(
      `steps ${cfg.steps}, batch ${cfg.batchSize} (fresh pairs every step), teacher forcing ${cfg.teacherForcing}, ${cfg.optimizer} lr ${cfg.lr} (${cfg.schedule}), clip ${cfg.clip ?? 'off'}, seed ${cfg.seed}\n`,
    );
    const width = cfg.maxLength + 2;
    const result = await trainResumable({
      run,
      options,
      model,
      metrics,
      loss: (index) => {
        model.train();
        const pairs = seq2seqPairs(cfg, cfg.batchSize, stepSeed(cfg.seed, index), info.name);
        const tgtIn = pairs.target.narrow(1, 0, width - 1);
        const labels: Tensor = pairs.target.narrow(1, 1, width - 1);
        const { logits } = model.forward(pairs.source, tgtIn, { srcLengths: pairs.sourceLengths, teacherForcingRatio: cfg.teacherForcing });
        return crossEntropy(logits.reshape([-1, DIGIT_SEQ_VOCAB.size]), labels.reshape([-1]), { ignoreIndex: DIGIT_SEQ_VOCAB.pad });
      },
    });
    if (!result.finished) return;
    const accuracy = await seq2seqAccuracy(model, heldOutPairs(cfg, options.evalSize, model.out.weight.backend.name), options.decode, options.beamWidth);
    out.write(`\n${result.summary()}\n`);
    out.write(
      `held-out (${options.decode}${options.decode === 'beam' ? `, width ${options.beamWidth}` : ''}): exact match ${(100 * accuracy.exactMatch).toFixed(1)}% of ${accuracy.count}, tokens ${(100 * accuracy.tokenAccuracy).toFixed(1)}%\n`,
    );
    out.write(formatExamples(accuracy));
    await result.saveResults({ exactMatch: accuracy.exactMatch, tokenAccuracy: accuracy.tokenAccuracy, decode: options.decode });
    out.write(`checkpoint: ${run.outDir} (evaluate with 'webgrad eval ${run.outDir} --decode beam')\n`);
  });
}
