import { describe, expect, it } from 'vitest';
import { webgrad } from './run-webgrad';

// Every mistake: exit code ≠ 0 and exactly one line on stderr that says what
// was wrong and where to look, with no stack trace.
const usageMistakes: [args: string[], message: string][] = [
  [['trian'], "webgrad: unknown command 'trian' (Did you mean train?) (see 'webgrad --help')"],
  [['train'], "webgrad: which model? choose one of: xor, char-lstm, char-gru, mlp, vae, gpt, rnn-vs-lstm, seq2seq, ae, ddpm (e.g. 'webgrad train xor')"],
  [['train', 'xr'], "webgrad: unknown model 'xr'; choose one of: xor, char-lstm, char-gru, mlp, vae, gpt, rnn-vs-lstm, seq2seq, ae, ddpm (see 'webgrad train --help')"],
  [
    ['train', 'xor', '--stepz', '5'],
    "webgrad: unknown option '--stepz' (Did you mean --steps?) (see 'webgrad train xor --help')",
  ],
  [
    ['train', 'xor', '--steps', '0'],
    "webgrad: invalid --steps '0': expected a whole number of at least 1 (see 'webgrad train xor --help')",
  ],
  [
    ['train', 'xor', '--steps', '2.5'],
    "webgrad: invalid --steps '2.5': expected a whole number of at least 1 (see 'webgrad train xor --help')",
  ],
  [
    ['train', 'xor', '--lr', '-0.1'],
    "webgrad: invalid --lr '-0.1': expected a number greater than 0 (see 'webgrad train xor --help')",
  ],
  [
    ['train', 'xor', '--lr', 'fast'],
    "webgrad: invalid --lr 'fast': expected a number greater than 0 (see 'webgrad train xor --help')",
  ],
  [
    ['train', 'xor', '--seed', '-1'],
    "webgrad: invalid --seed '-1': expected a whole number from 0 to 9007199254740991 (see 'webgrad train xor --help')",
  ],
  [
    ['train', 'xor', '--backend', 'tpu'],
    "webgrad: invalid --backend 'tpu': allowed choices are auto, cpu, webgpu (see 'webgrad train xor --help')",
  ],
  [
    ['train', 'xor', '--steps'],
    "webgrad: option '--steps <n>' argument missing (see 'webgrad train xor --help')",
  ],
  [['info', '--gpu'], "webgrad: unknown option '--gpu' (see 'webgrad info --help')"],
  [
    ['train', 'xor', '--metrics', '/nonexistent-dir/metrics.jsonl'],
    "webgrad: cannot write metrics to '/nonexistent-dir/metrics.jsonl' (ENOENT) (pass --metrics a file in an existing, writable directory)",
  ],
];

describe('bad input', () => {
  it.each(usageMistakes)('webgrad %j: one line, exit code 2', (args, message) => {
    const r = webgrad(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`${message}\n`);
    expect(r.stdout).toBe('');
  });

  it('prints the stack trace only with --verbose', () => {
    const args = ['train', 'xor', '--metrics', '/nonexistent-dir/metrics.jsonl'];
    expect(webgrad(args).stderr).not.toMatch(/^\s+at /m);
    const verbose = webgrad([...args, '--verbose']);
    expect(verbose.status).toBe(2);
    expect(verbose.stderr.split('\n')[0]).toMatch(/^webgrad: cannot write metrics to/);
    expect(verbose.stderr).toMatch(/^CliError: cannot write metrics to/m);
    expect(verbose.stderr).toMatch(/^\s+at /m);
  });

  it('shows help (exit 0) for --help', () => {
    const r = webgrad(['train', 'xor', '--help']);
    expect(r.status).toBe(0);
    for (const flag of ['--steps', '--lr', '--seed', '--backend', '--metrics', '--progress'])
      expect(r.stdout).toContain(flag);
  });
});
