import { CommanderError } from 'commander';
import { WebgradError } from '@webgrad/core-tensor';
import { CliError, errorLine } from './cli-error.js';
import { createProgram } from './program.js';

/**
 * Runs the `webgrad` command line `argv` (without the node and script paths)
 * and returns the process exit code. Every failure is reported as one line on
 * stderr, `webgrad: <what went wrong> (<how to fix it>)`; the stack trace is
 * printed only with `--verbose`.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['train', 'xor', '--steps', '500']);
 * ```
 */
export async function runCli(
  argv: readonly string[],
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const verbose = argv.includes('--verbose');
  try {
    await createProgram().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    // help and --version were already printed by commander
    if (e instanceof CommanderError) return e.exitCode;
    const expected = e instanceof CliError || e instanceof WebgradError;
    const hint = expected || verbose ? '' : ' (run with --verbose to see the stack trace)';
    stderr.write(`webgrad: ${errorLine(e)}${hint}\n`);
    if (verbose && e instanceof Error && e.stack !== undefined) stderr.write(`${e.stack}\n`);
    return e instanceof CliError ? e.exitCode : 1;
  }
}
