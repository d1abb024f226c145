import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Generator, indexSelect, randperm, type BackendChoice } from '@webgrad/core-tensor';
import { CharTokenizer, type CharTokenizerJSON } from '@webgrad/data';
import { reconstructionsPng, samplesPng } from '@webgrad/generative-vae';
import { describeBackend, setUpBackend } from '../backend-setup.js';
import { readCheckpoint, type Checkpoint } from '../checkpoint.js';
import { loadCharLm } from '../char-lm/char-lm-setup.js';
import { CliError } from '../cli-error.js';
import { digitsSplit } from '../digits-split.js';
import { BACKEND_CHOICES, parsePositiveInt, parsePositiveNumber, parseSeed } from '../option-parsers.js';
import { restoreModel } from '../restore-model.js';
import { AE_TEST_FRACTION, aeInput, buildAutoencoder, type AeConfig } from './train/ae.js';
import { addSamplingOptions, buildDdpm, ddimSteps, ddpmData, writeDdpmPictures, type DdpmConfig, type Sampler } from './train/ddpm.js';
import { buildGpt, type GptConfig } from './train/gpt.js';
import { buildVae, type VaeConfig } from './train/vae.js';

/** Options of `webgrad sample`. */
interface SampleOptions {
  length: number;
  temperature: number;
  topK?: number;
  topP?: number;
  seed: number;
  prompt: string;
  samples?: number;
  sampler: Sampler;
  sampleSteps: number;
  out?: string;
  backend: BackendChoice;
}

/** Parses a probability in (0, 1]. */
function parseTopP(value: string): number {
  const n = parsePositiveNumber(value);
  if (n > 1) throw new InvalidArgumentError('expected a number greater than 0 and at most 1');
  return n;
}

/** What a sampler needs besides the checkpoint. */
interface SampleContext {
  options: SampleOptions;
  command: Command;
  backend: string;
  /** Where pictures go. */
  outDir: string;
}

/** Generated text goes to stdout; pictures are written to files named on stdout. */
const SAMPLERS: Record<string, (checkpoint: Checkpoint, ctx: SampleContext) => Promise<void>> = {
  'char-lstm': sampleCharLm,
  'char-gru': sampleCharLm,
  gpt: async (checkpoint, { options }) => {
    const cfg = checkpoint.config as GptConfig;
    const tokenizer = CharTokenizer.fromJSON(cfg.tokenizer as unknown as CharTokenizerJSON);
    const gpt = restoreModel(checkpoint, buildGpt(cfg));
    gpt.eval();
    const [ids] = await gpt.generate([promptIds(tokenizer, options.prompt)], {
      maxNewTokens: options.length,
      temperature: options.temperature,
      ...(options.topK !== undefined ? { topK: options.topK } : {}),
      ...(options.topP !== undefined ? { topP: options.topP } : {}),
      generator: new Generator(options.seed),
    });
    process.stdout.write(`${options.prompt}${tokenizer.decode(ids!.slice(ids!.length - options.length))}\n`);
  },
  ddpm: async (checkpoint, { options, command, backend, outDir }) => {
    const cfg = checkpoint.config as DdpmConfig;
    const ddpm = restoreModel(checkpoint, buildDdpm(cfg));
    const steps = ddimSteps(options, command, cfg.timesteps);
    const n = options.samples ?? (cfg.data === 'moons' ? 1000 : 64);
    const files = await writeDdpmPictures(ddpm, cfg, ddpmData(cfg, backend), outDir, { sampler: options.sampler, steps, n, seed: options.seed, prefix: 'sampled-' });
    process.stdout.write(`${n} samples (${options.sampler === 'ddim' ? `DDIM, ${steps} steps` : `ancestral DDPM, ${cfg.timesteps} steps`}): ${files.map((f) => join(outDir, f)).join(', ')}\n`);
  },
  vae: async (checkpoint, { options, outDir }) => {
    const vae = restoreModel(checkpoint, buildVae(checkpoint.config as VaeConfig));
    const n = options.samples ?? 64;
    const file = join(outDir, 'sampled-samples.png');
    await writeFile(file, await samplesPng(vae, n, { generator: new Generator(options.seed) }));
    process.stdout.write(`${n} samples from the prior: ${file}\n`);
  },
  ae: async (checkpoint, { options, backend, outDir }) => {
    const cfg = checkpoint.config as AeConfig;
    const model = restoreModel(checkpoint, buildAutoencoder(cfg));
    const xTest = digitsSplit(cfg.seed, AE_TEST_FRACTION, backend).xTest;
    const n = Math.min(options.samples ?? 32, xTest.shape[0]!);
    // n held-out digits chosen by --seed
    const pick = randperm(xTest.shape[0]!, { generator: new Generator(options.seed), backend }).narrow(0, 0, n);
    const file = join(outDir, 'sampled-reconstructions.png');
    await writeFile(file, await reconstructionsPng(model, aeInput(cfg, indexSelect(xTest, 0, pick))));
    process.stdout.write(`${n} held-out digits (rows) above their reconstructions: ${file}\n`);
  },
};

async function sampleCharLm(checkpoint: Checkpoint, { options }: SampleContext): Promise<void> {
  const { model, tokenizer } = loadCharLm(checkpoint);
  const ids = await model.generate({
    prompt: promptIds(tokenizer, options.prompt),
    length: options.length,
    temperature: options.temperature,
    ...(options.topK !== undefined ? { topK: options.topK } : {}),
    ...(options.topP !== undefined ? { topP: options.topP } : {}),
    seed: options.seed,
  });
  process.stdout.write(`${options.prompt}${tokenizer.decode(ids)}\n`);
}

/** The prompt's token ids; the default prompt (a line break) falls back to the first character for a text without line breaks. */
function promptIds(tokenizer: CharTokenizer, prompt: string): number[] {
  try {
    return tokenizer.encode(prompt.length > 0 ? prompt : '\n');
  } catch (e) {
    if (prompt === '\n') return [0];
    throw new CliError(`the prompt has characters the model never saw: ${(e as Error).message}`, {
      hint: 'use only characters of the training text in --prompt',
      exitCode: 2,
    });
  }
}

/**
 * `webgrad sample <checkpoint-dir>`: text from a character language model
 * or GPT (temperature, top-k, nucleus sampling), or pictures from a
 * generative model: DDPM samples and the denoising sequence, VAE samples
 * from the prior, autoencoder reconstructions of held-out digits.
 */
export function sampleCommand(): Command {
  const cmd = new Command('sample')
    .description(
      'generate from a checkpoint: text (char-lstm, char-gru, gpt) to stdout, or PNGs (ddpm samples and denoising sequence, vae samples, ae reconstructions)',
    )
    .argument('<checkpoint-dir>', 'the directory a training run wrote (its --out)')
    .option('--length <n>', 'text: characters to generate', parsePositiveInt, 500)
    .option('--temperature <t>', 'text: divide the logits by t (< 1: safer, > 1: wilder)', parsePositiveNumber, 1)
    .option('--top-k <k>', 'text: sample only among the k most likely characters', parsePositiveInt)
    .option('--top-p <p>', 'text: sample only from the smallest set of characters with probability ≥ p (0 < p ≤ 1)', parseTopP)
    .option('--prompt <text>', 'text: what to start from', '\n')
    .option('--seed <n>', 'random seed of the sampler', parseSeed, 0)
    .option('--out <dir>', 'pictures: the directory to write them to (default: the checkpoint directory)');
  return addSamplingOptions(cmd)
    .addOption(new Option('--backend <name>', 'backend to run on').choices(BACKEND_CHOICES).default('auto'))
    .action(async (dir: string, options: SampleOptions, command: Command) => {
      const checkpoint = await readCheckpoint(dir);
      const sample = SAMPLERS[checkpoint.config.model];
      if (sample === undefined)
        throw new CliError(`checkpoint '${dir}' holds a ${checkpoint.config.model} model, which has nothing to sample`, {
          hint: `sample takes ${Object.keys(SAMPLERS).join(', ')}; see 'webgrad eval' for its held-out results`,
          exitCode: 1,
        });
      const info = await setUpBackend(options.backend);
      process.stderr.write(`${checkpoint.config.model} from ${dir} (step ${checkpoint.state.step}) on ${describeBackend(info)}\n`);
      const outDir = options.out ?? dir;
      await mkdir(outDir, { recursive: true });
      await sample(checkpoint, { options, command, backend: info.name, outDir });
    });
}
