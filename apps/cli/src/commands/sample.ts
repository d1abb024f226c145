import { Command, InvalidArgumentError, Option } from 'commander';
import { describeBackend, setUpBackend } from '../backend-setup.js';
import { readCheckpoint } from '../checkpoint.js';
import { loadCharLm } from '../char-lm/char-lm-setup.js';
import { BACKEND_CHOICES, parsePositiveInt, parsePositiveNumber, parseSeed } from '../option-parsers.js';
import type { BackendChoice } from '@webgrad/core-tensor';

/** Options of `webgrad sample`. */
interface SampleOptions {
  length: number;
  temperature: number;
  topK?: number;
  topP?: number;
  seed: number;
  prompt: string;
  backend: BackendChoice;
}

/** Parses a probability in (0, 1]. */
function parseTopP(value: string): number {
  const n = parsePositiveNumber(value);
  if (n > 1) throw new InvalidArgumentError('expected a number greater than 0 and at most 1');
  return n;
}

/**
 * `webgrad sample <checkpoint-dir>`: generates text from a trained character
 * language model, with temperature, top-k and nucleus (top-p) sampling.
 */
export function sampleCommand(): Command {
  return new Command('sample')
    .description('generate text from a checkpoint written by webgrad train char-lstm / char-gru')
    .argument('<checkpoint-dir>', 'the directory a training run wrote (its --out)')
    .option('--length <n>', 'characters to generate', parsePositiveInt, 500)
    .option('--temperature <t>', 'divide the logits by t (< 1: safer, > 1: wilder)', parsePositiveNumber, 1)
    .option('--top-k <k>', 'sample only among the k most likely characters', parsePositiveInt)
    .option('--top-p <p>', 'sample only from the smallest set of characters with probability ≥ p (0 < p ≤ 1)', parseTopP)
    .option('--seed <n>', 'random seed of the sampler', parseSeed, 0)
    .option('--prompt <text>', 'text to start from', '\n')
    .addOption(new Option('--backend <name>', 'backend to run on').choices(BACKEND_CHOICES).default('auto'))
    .action(async (dir: string, options: SampleOptions) => {
      const checkpoint = await readCheckpoint(dir);
      const info = await setUpBackend(options.backend);
      const { model, tokenizer, config } = loadCharLm(checkpoint);
      let prompt: number[];
      try {
        prompt = tokenizer.encode(options.prompt.length > 0 ? options.prompt : '\n');
      } catch {
        // a text without line breaks: start from its first character
        prompt = options.prompt === '\n' ? [0] : tokenizer.encode(options.prompt);
      }
      process.stderr.write(`${config.model} from ${dir} (step ${checkpoint.state.step}) on ${describeBackend(info)}\n`);
      const ids = model.generate({
        prompt,
        length: options.length,
        temperature: options.temperature,
        ...(options.topK !== undefined ? { topK: options.topK } : {}),
        ...(options.topP !== undefined ? { topP: options.topP } : {}),
        seed: options.seed,
      });
      process.stdout.write(`${options.prompt}${tokenizer.decode(ids)}\n`);
    });
}
