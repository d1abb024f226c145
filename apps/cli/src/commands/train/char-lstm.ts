import type { Command } from 'commander';
import { charLmCommand } from '../../char-lm/train-char-lm.js';

/** `webgrad train char-lstm`: a character-level LSTM language model (see `charLmCommand`). */
export function charLstmCommand(): Command {
  return charLmCommand('char-lstm');
}
