import { Command, Option } from 'commander';
import { tidy, type BackendChoice } from '@webgrad/core-tensor';
import { describeBackend, setUpBackend } from '../backend-setup.js';
import { readCheckpoint } from '../checkpoint.js';
import { loadCharLm, readTrainingText, splitText } from '../char-lm/char-lm-setup.js';
import { BACKEND_CHOICES, parsePositiveInt } from '../option-parsers.js';

/** Options of `webgrad eval`. */
interface EvalOptions {
  maxChars?: number;
  backend: BackendChoice;
  json?: boolean;
}

/**
 * `webgrad eval <checkpoint-dir>`: the validation loss (mean cross-entropy
 * per character), perplexity exp(loss) and bits per character of a trained
 * character language model on the held-out end of its text.
 */
export function evalCommand(): Command {
  return new Command('eval')
    .description('validation loss and perplexity of a checkpoint written by webgrad train char-lstm / char-gru')
    .argument('<checkpoint-dir>', 'the directory a training run wrote (its --out)')
    .option('--max-chars <n>', 'evaluate on at most this many validation characters (default: all)', parsePositiveInt)
    .option('--json', 'print the result as one JSON object')
    .addOption(new Option('--backend <name>', 'backend to run on').choices(BACKEND_CHOICES).default('auto'))
    .action(async (dir: string, options: EvalOptions) => {
      const checkpoint = await readCheckpoint(dir);
      const info = await setUpBackend(options.backend);
      const { model, tokenizer, config } = loadCharLm(checkpoint);
      const text = await readTrainingText(config.data);
      const { validation } = splitText(tokenizer, text, config.valFraction);
      const tokens = options.maxChars !== undefined ? validation.slice(0, options.maxChars + 1) : validation;
      const r = tidy(() => model.evaluate(tokens, { seqLen: config.seqLen, batchSize: 16 }));
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ model: config.model, step: checkpoint.state.step, ...r })}\n`);
        return;
      }
      process.stdout.write(`${config.model} from ${dir} (step ${checkpoint.state.step}) on ${describeBackend(info)}\n`);
      process.stdout.write(
        `validation: ${r.tokens} characters, loss ${r.loss.toFixed(6)}, perplexity ${r.perplexity.toFixed(4)}, ${r.bitsPerToken.toFixed(4)} bits/char\n`,
      );
    });
}
