import { Command } from 'commander';
import { CliError } from '../../cli-error.js';
import { aeCommand } from './ae.js';
import { charGruCommand } from './char-gru.js';
import { charLstmCommand } from './char-lstm.js';
import { ddpmCommand } from './ddpm.js';
import { gptCommand } from './gpt.js';
import { mlpCommand } from './mlp.js';
import { rnnVsLstmCommand } from './rnn-vs-lstm.js';
import { seq2seqCommand } from './seq2seq.js';
import { vaeCommand } from './vae.js';
import { xorCommand } from './xor.js';

/**
 * One factory per model family; each lives in its own file under
 * `commands/train/` and adds its own options to the common ones.
 */
const TRAIN_MODELS: readonly (() => Command)[] = [xorCommand, charLstmCommand, charGruCommand, mlpCommand, vaeCommand, gptCommand, rnnVsLstmCommand, seq2seqCommand, aeCommand, ddpmCommand];

/** `webgrad train <model>`: one subcommand per model family. */
export function trainCommand(): Command {
  const train = new Command('train')
    .description('train a model')
    .argument('[model]', 'the model to train');
  for (const make of TRAIN_MODELS) train.addCommand(make());
  const names = train.commands.map((c) => c.name());
  // Reached only when no subcommand matched: a missing or unknown model.
  train.action((model: string | undefined) => {
    if (model === undefined) {
      throw new CliError(`which model? choose one of: ${names.join(', ')}`, {
        hint: "e.g. 'webgrad train xor'",
      });
    }
    throw new CliError(`unknown model '${model}'; choose one of: ${names.join(', ')}`, {
      hint: "see 'webgrad train --help'",
    });
  });
  return train;
}
