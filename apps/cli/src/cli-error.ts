/**
 * An error meant for the person at the terminal: the CLI prints its message on
 * one line (never a stack trace unless `--verbose`) and exits with `exitCode`.
 *
 * @example
 * ```ts
 * throw new CliError('--lr must be a positive number, got -1', { hint: 'try --lr 0.1' });
 * ```
 */
export class CliError extends Error {
  /** The process exit code (2 for usage mistakes, 1 for everything else). */
  readonly exitCode: number;
  /** How to fix it, appended to the message. */
  readonly hint: string | undefined;

  /** Creates the error; `exitCode` defaults to 2 (a usage mistake). */
  constructor(message: string, options: { hint?: string; exitCode?: number } = {}) {
    super(message);
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? 2;
    this.hint = options.hint;
  }
}

/** The one line printed for `error`: its message (and hint), flattened to a single line. */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof CliError && error.hint !== undefined ? ` (${error.hint})` : '';
  return `${message}${hint}`.replace(/\s*\n\s*/g, ' ').trim();
}
