import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { benchCommand } from './commands/bench.js';
import { evalCommand } from './commands/eval.js';
import { infoCommand } from './commands/info.js';
import { sampleCommand } from './commands/sample.js';
import { trainCommand } from './commands/train/index.js';
import { cliVersion } from './package-versions.js';

/**
 * Builds the `webgrad` command tree. Parsing never exits the process: help
 * and `--version` end in a `CommanderError` with exit code 0, and usage
 * mistakes (unknown command, option or model, a bad option value) become a
 * `CliError` whose hint names the help to read.
 *
 * @example
 * ```ts
 * await createProgram().parseAsync(['info', '--json'], { from: 'user' });
 * ```
 */
export function createProgram(): Command {
  const program = new Command('webgrad')
    .description('webgrad from the terminal: train models and inspect the backend')
    .version(cliVersion(), '-V, --version', 'print the version')
    .option('--verbose', 'print the stack trace of an error')
    .addCommand(trainCommand())
    .addCommand(sampleCommand())
    .addCommand(evalCommand())
    .addCommand(benchCommand())
    .addCommand(infoCommand());
  forEachCommand(program, (cmd) => {
    cmd
      .showSuggestionAfterError(true)
      .configureOutput({ outputError: () => undefined })
      .exitOverride((err) => {
        if (err.exitCode === 0 || err.code === 'commander.help') throw err;
        throw new CliError(cleanCommanderMessage(err), {
          hint: `see '${commandPath(cmd)} --help'`,
          exitCode: 2,
        });
      });
  });
  return program;
}

/** Calls `fn` on `cmd` and every command below it (`addCommand` does not copy settings down). */
function forEachCommand(cmd: Command, fn: (c: Command) => void): void {
  fn(cmd);
  for (const c of cmd.commands) forEachCommand(c, fn);
}

/** `webgrad train xor` for the xor command. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Commander's message as one line without its `error:` prefix; a bad option
 * value reads `invalid --lr '-1': expected a number greater than 0`.
 */
function cleanCommanderMessage(err: CommanderError): string {
  const message = err.message
    .replace(/^error:\s*/i, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  const invalid = /^option '(-[^\s,']+)(?:[^']*)' argument '(.*)' is invalid\.\s*(.*?)\.?$/.exec(
    message,
  );
  if (err.code === 'commander.invalidArgument' && invalid !== null) {
    const [, flag, value, why] = invalid;
    return `invalid ${flag} '${value}': ${why!.charAt(0).toLowerCase()}${why!.slice(1)}`;
  }
  return message;
}
