import { Command, Option } from 'commander';
import { Generator, argmax, eq, sum, type BackendChoice } from '@webgrad/core-tensor';
import { describeBackend, setUpBackend } from '../backend-setup.js';
import { readCheckpoint, type Checkpoint } from '../checkpoint.js';
import { loadCharLm, readTrainingText, splitText } from '../char-lm/char-lm-setup.js';
import { CliError } from '../cli-error.js';
import { digitsSplit } from '../digits-split.js';
import { BACKEND_CHOICES, parsePositiveInt } from '../option-parsers.js';
import { readScalar } from '../read-scalar.js';
import { restoreModel } from '../restore-model.js';
import { AE_TEST_FRACTION, aeInput, buildAutoencoder, reconstructionError, type AeConfig } from './train/ae.js';
import { buildDdpm, ddpmData, type DdpmConfig } from './train/ddpm.js';
import { DigitsMlp, MLP_TEST_FRACTION, type MlpConfig } from './train/mlp.js';
import { DECODERS, buildSeq2Seq, heldOutPairs, seq2seqAccuracy, type Seq2SeqConfig, type Seq2SeqDecoder } from './train/seq2seq.js';
import { VAE_TEST_FRACTION, binarised, buildVae, type VaeConfig } from './train/vae.js';

/** Options of `webgrad eval`. */
interface EvalOptions {
  maxChars?: number;
  decode: Seq2SeqDecoder;
  beamWidth: number;
  evalSize: number;
  backend: BackendChoice;
  json?: boolean;
}

/** One evaluation: the numbers (for --json) and the line that says what they are. */
interface Evaluation {
  values: Record<string, number | string>;
  line: string;
}

/** How each model family is evaluated on data it was not trained on. */
const EVALUATORS: Record<string, (checkpoint: Checkpoint, options: EvalOptions, backend: string) => Promise<Evaluation>> = {
  'char-lstm': evaluateCharLm,
  'char-gru': evaluateCharLm,
  mlp: async (checkpoint, _options, backend) => {
    const cfg = checkpoint.config as MlpConfig;
    const net = restoreModel(checkpoint, new DigitsMlp(cfg.hiddenSize));
    const { xTest, yTest } = digitsSplit(cfg.seed, MLP_TEST_FRACTION, backend);
    const accuracy = (await readScalar(() => sum(eq(argmax(net.forward(xTest), 1), yTest).cast('float32')))) / xTest.shape[0]!;
    return { values: { testAccuracy: accuracy, images: xTest.shape[0]! }, line: `test accuracy ${(100 * accuracy).toFixed(2)}% of ${xTest.shape[0]} held-out digits` };
  },
  vae: async (checkpoint, _options, backend) => {
    const cfg = checkpoint.config as VaeConfig;
    const vae = restoreModel(checkpoint, buildVae(cfg));
    const xTest = binarised(digitsSplit(cfg.seed, VAE_TEST_FRACTION, backend).xTest);
    const elbo = await readScalar(() => vae.elbo(xTest, { samples: 10, generator: new Generator(cfg.seed + 1) }).mean());
    return { values: { heldOutElbo: elbo }, line: `held-out ELBO ${elbo.toFixed(3)} nats per image (${xTest.shape[0]} binarised digits, 10 z samples each)` };
  },
  ae: async (checkpoint, _options, backend) => {
    const cfg = checkpoint.config as AeConfig;
    const model = restoreModel(checkpoint, buildAutoencoder(cfg));
    const xTest = digitsSplit(cfg.seed, AE_TEST_FRACTION, backend).xTest;
    const error = await reconstructionError(model, aeInput(cfg, xTest));
    return { values: { heldOutReconstruction: error }, line: `held-out reconstruction error ½‖x − x̂‖² ${error.toFixed(6)} per image (${xTest.shape[0]} digits)` };
  },
  seq2seq: async (checkpoint, options) => {
    const cfg = checkpoint.config as Seq2SeqConfig;
    const model = restoreModel(checkpoint, buildSeq2Seq(cfg));
    const r = await seq2seqAccuracy(model, heldOutPairs(cfg, options.evalSize, model.out.weight.backend.name), options.decode, options.beamWidth);
    const how = options.decode === 'beam' ? `beam search, width ${options.beamWidth}` : 'greedy';
    return {
      values: { exactMatch: r.exactMatch, tokenAccuracy: r.tokenAccuracy, pairs: r.count, decode: options.decode },
      line: `held-out ${cfg.task} (${how}): exact match ${(100 * r.exactMatch).toFixed(1)}% of ${r.count}, tokens ${(100 * r.tokenAccuracy).toFixed(1)}%`,
    };
  },
  ddpm: async (checkpoint, _options, backend) => {
    const cfg = checkpoint.config as DdpmConfig;
    const ddpm = restoreModel(checkpoint, buildDdpm(cfg));
    const data = ddpmData(cfg, backend);
    const subset = data.narrow(0, 0, Math.min(512, data.shape[0]!));
    const generator = new Generator(cfg.seed + 1);
    let loss = 0;
    for (let k = 0; k < 8; k++) loss += (await readScalar(() => ddpm.loss(subset, { generator }))) / 8;
    return { values: { evalLoss: loss }, line: `denoising loss ${loss.toFixed(6)} (averaged over t and ε, ${subset.shape[0]} examples × 8 draws)` };
  },
};

async function evaluateCharLm(checkpoint: Checkpoint, options: EvalOptions): Promise<Evaluation> {
  const { model, tokenizer, config } = loadCharLm(checkpoint);
  const text = await readTrainingText(config.data);
  const { validation } = splitText(tokenizer, text, config.valFraction);
  const tokens = options.maxChars !== undefined ? validation.slice(0, options.maxChars + 1) : validation;
  const r = await model.evaluate(tokens, { seqLen: config.seqLen, batchSize: 16 });
  return {
    values: { ...r },
    line: `validation: ${r.tokens} characters, loss ${r.loss.toFixed(6)}, perplexity ${r.perplexity.toFixed(4)}, ${r.bitsPerToken.toFixed(4)} bits/char`,
  };
}

/**
 * `webgrad eval <checkpoint-dir>`: the checkpoint's model measured on data
 * it was not trained on: validation loss, perplexity and bits per character
 * (char-lstm, char-gru), test accuracy (mlp), held-out ELBO (vae),
 * reconstruction error (ae), exact-match accuracy (seq2seq, greedy or beam
 * decoding) or the denoising loss (ddpm).
 */
export function evalCommand(): Command {
  return new Command('eval')
    .description(
      'evaluate a checkpoint on held-out data: loss/perplexity (char-lstm, char-gru), accuracy (mlp), ELBO (vae), reconstruction error (ae), exact match (seq2seq), denoising loss (ddpm)',
    )
    .argument('<checkpoint-dir>', 'the directory a training run wrote (its --out)')
    .option('--max-chars <n>', 'char-lstm/char-gru: evaluate on at most this many validation characters (default: all)', parsePositiveInt)
    .addOption(new Option('--decode <how>', 'seq2seq: greedy or beam-search decoding').choices(DECODERS).default('greedy'))
    .option('--beam-width <n>', 'seq2seq: hypotheses kept by beam search', parsePositiveInt, 4)
    .option('--eval-size <n>', 'seq2seq: held-out pairs to decode', parsePositiveInt, 200)
    .option('--json', 'print the result as one JSON object')
    .addOption(new Option('--backend <name>', 'backend to run on').choices(BACKEND_CHOICES).default('auto'))
    .action(async (dir: string, options: EvalOptions) => {
      const checkpoint = await readCheckpoint(dir);
      const evaluate = EVALUATORS[checkpoint.config.model];
      if (evaluate === undefined)
        throw new CliError(`checkpoint '${dir}' holds a ${checkpoint.config.model} model, which webgrad eval does not measure`, {
          hint: `its training run printed its results, and its state.json keeps them; eval takes ${Object.keys(EVALUATORS).join(', ')}`,
          exitCode: 1,
        });
      const info = await setUpBackend(options.backend);
      const r = await evaluate(checkpoint, options, info.name);
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ model: checkpoint.config.model, step: checkpoint.state.step, ...r.values })}\n`);
        return;
      }
      process.stdout.write(`${checkpoint.config.model} from ${dir} (step ${checkpoint.state.step}) on ${describeBackend(info)}\n${r.line}\n`);
    });
}
