import type { Command } from 'commander';
import { charLmCommand } from '../../char-lm/train-char-lm.js';

/** `webgrad train char-gru`: a character-level GRU language model (see `charLmCommand`). */
export function charGruCommand(): Command {
  return charLmCommand('char-gru');
}
