import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { printedLosses, webgradAsync as webgrad } from './run-webgrad';

const scratch = mkdtempSync(join(tmpdir(), 'webgrad-cli-models-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
// a short text keeps the GPT runs quick
const text = join(scratch, 'text.txt');
writeFileSync(text, 'It was the best of times, it was the worst of times, it was the age of wisdom. '.repeat(40));

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const isPng = (path: string): boolean => [...readFileSync(path).subarray(0, 8)].every((b, i) => b === PNG_SIGNATURE[i]);
const json = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const metricsOf = (path: string): Record<string, number>[] =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number>);

describe('webgrad train rnn-vs-lstm', () => {
  it('trains an RNN and an LSTM side by side on the adding problem: table, loss curves, gradient flow, metrics per model', async () => {
    const out = join(scratch, 'rvl');
    const metrics = join(scratch, 'rvl.jsonl');
    const r = await webgrad(['train', 'rnn-vs-lstm', '--cells', 'rnn,lstm', '--steps', '30', '--seq-len', '12', '--hidden-size', '8', '--backend', 'cpu', '--out', out, '--metrics', metrics]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('baseline loss 0.166667 (always predicting 1)');
    const rows = [...r.stdout.matchAll(/^(rnn|lstm|gru) +\| +(\d+) \| (\S+) \| (\S+) \| (\S+) \| +(\d+\.\d)% \| (\S+)$/gm)];
    expect(rows.map((m) => m[1])).toEqual(['rnn', 'lstm']);
    // parameters: RNN 8·(2 + 8 + 2) + head 9; LSTM four gates: 4·8·(2 + 8 + 2) + 9
    expect(rows.map((m) => Number(m[2]))).toEqual([8 * 12 + 9, 4 * 8 * 12 + 9]);
    for (const png of ['loss.png', 'gradient-flow.png']) expect(isPng(join(out, png))).toBe(true);
    const lines = metricsOf(metrics);
    expect(lines).toHaveLength(30);
    // the step's loss is the sum of the contenders' losses, each logged under its name
    for (const l of lines) expect(l.loss).toBeCloseTo(l.rnn! + l.lstm!, 5);
    const state = json<{ heldOut: Record<string, { gradientFlow: number[] }> }>(join(out, 'state.json'));
    expect(state.heldOut.lstm!.gradientFlow).toHaveLength(12);
  });

  it('runs the copy task with all three cells', async () => {
    const out = join(scratch, 'copy');
    const r = await webgrad(['train', 'rnn-vs-lstm', '--task', 'copy', '--copy-length', '3', '--delay', '4', '--steps', '20', '--hidden-size', '8', '--backend', 'cpu', '--out', out]);
    expect(r.status).toBe(0);
    // baseline: L·log K / (T + 2L) with L = 3 symbols of K = 8 over 4 + 6 steps
    expect(r.stdout).toContain(`baseline loss ${((3 * Math.log(8)) / 10).toFixed(6)}`);
    expect(r.stdout).toMatch(/symbols recalled/);
    expect([...r.stdout.matchAll(/^(rnn|lstm|gru) +\|/gm)].map((m) => m[1])).toEqual(['rnn', 'lstm', 'gru']);
  });
});

describe('webgrad train seq2seq', () => {
  it('trains a Luong-attention encoder-decoder on digit reversal and reports exact-match accuracy with beam search', async () => {
    const out = join(scratch, 's2s');
    const r = await webgrad(['train', 'seq2seq', '--attention', 'luong', '--steps', '12', '--max-length', '3', '--hidden-size', '16', '--embed-dim', '8', '--decode', 'beam', '--beam-width', '2', '--eval-size', '10', '--backend', 'cpu', '--log-every', '4', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('luong attention');
    const losses = printedLosses(r.stdout);
    expect(losses).toHaveLength(3);
    const m = /held-out \(beam, width 2\): exact match (\d+\.\d)% of 10, tokens (\d+\.\d)%/.exec(r.stdout);
    expect(m).not.toBeNull();
    const state = json<{ exactMatch: number; step: number }>(join(out, 'state.json'));
    expect(state.step).toBe(12);
    expect(100 * state.exactMatch).toBeCloseTo(Number(m![1]), 5);
  });
});

describe('webgrad train ae', () => {
  it('trains a sparse autoencoder and reports its mean code activation', async () => {
    const r = await webgrad(['train', 'ae', '--variant', 'sparse', '--code-size', '32', '--steps', '10', '--backend', 'cpu', '--out', join(scratch, 'sparse')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^mean code activation on the test images: 0\.\d{4} \(target rho 0\.05\)$/m);
  });
});

// A run stopped part-way and resumed equals the uninterrupted run bit for bit:
// the data of step s depends only on the seed and s, and the checkpoint keeps
// the optimizer, the schedule and the random stream (t and ε, the corruption,
// the teacher-forcing coin flips).
const resumeCases: [model: string, args: string[]][] = [
  ['ddpm', ['--data', 'digits', '--steps', '10', '--timesteps', '20', '--sample-steps', '4', '--samples', '16', '--hidden-size', '16', '--blocks', '1', '--batch-size', '32']],
  ['ae', ['--variant', 'denoising', '--noise', 'gaussian', '--noise-level', '0.2', '--steps', '20', '--hidden-size', '32', '--batch-size', '32']],
  ['seq2seq', ['--steps', '8', '--teacher-forcing', '0.5', '--max-length', '3', '--hidden-size', '8', '--embed-dim', '4', '--eval-size', '4']],
  ['rnn-vs-lstm', ['--steps', '8', '--cells', 'lstm,gru', '--seq-len', '6', '--hidden-size', '4']],
  ['xor', ['--steps', '20']],
  ['mlp', ['--steps', '10', '--hidden-size', '8', '--optimizer', 'sgd', '--schedule', 'cosine']],
  ['vae', ['--steps', '10', '--hidden-size', '16', '--latent-size', '3']],
  ['gpt', ['--data', text, '--steps', '6', '--batch-size', '2', '--block-size', '8', '--embd', '8', '--heads', '2', '--layers', '1', '--sample-length', '1']],
];

describe('--resume continues exactly', () => {
  it.each(resumeCases)('%s: stopped at half-way and resumed = uninterrupted (losses, weights, optimizer)', async (model, args) => {
    const common = [...args, '--seed', '5', '--backend', 'cpu'];
    const steps = Number(args[args.indexOf('--steps') + 1]);
    const straight = join(scratch, `${model}-straight`);
    const split = join(scratch, `${model}-split`);
    expect((await webgrad(['train', model, ...common, '--out', straight])).status).toBe(0);
    const first = await webgrad(['train', model, ...common, '--stop-after', String(steps / 2), '--out', split]);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`stopped at step ${steps / 2} of ${steps}`);
    const resumed = await webgrad(['train', model, '--resume', split, '--backend', 'cpu']);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain(`resuming from ${split} at step ${steps / 2}`);
    expect(json<{ losses: number[] }>(join(split, 'state.json')).losses).toEqual(json<{ losses: number[] }>(join(straight, 'state.json')).losses);
    for (const file of ['model.safetensors', 'optimizer.safetensors'])
      expect(readFileSync(join(split, file)).equals(readFileSync(join(straight, file)))).toBe(true);
  });

  it('the straight ae run (denoising) learned: the reconstruction error fell, and its grids were written', () => {
    const out = join(scratch, 'ae-straight');
    const losses = json<{ losses: number[] }>(join(out, 'state.json')).losses;
    expect(losses[losses.length - 1]!).toBeLessThan(0.7 * losses[0]!);
    const state = json<{ heldOutReconstruction: number }>(join(out, 'state.json'));
    expect(state.heldOutReconstruction).toBeLessThan(losses[0]!);
    for (const png of ['loss.png', 'reconstructions.png', 'denoised.png']) expect(isPng(join(out, png))).toBe(true);
  });

  it('the straight ddpm run (digits) wrote the sample grid and the denoising sequence', () => {
    const out = join(scratch, 'ddpm-straight');
    for (const png of ['loss.png', 'samples.png', 'denoising.png']) expect(isPng(join(out, png))).toBe(true);
    expect(json<{ model: string; data: string }>(join(out, 'config.json'))).toMatchObject({ model: 'ddpm', data: 'digits' });
    expect(json<{ evalLoss: number }>(join(out, 'state.json')).evalLoss).toBeGreaterThan(0);
  });
});

// eval recomputes from the checkpoint what the training run reported, so
// equal numbers show the weights were written and restored whole.
describe('eval and sample of the new checkpoints (the straight runs above)', () => {
  const dir = (model: string): string => join(scratch, `${model}-straight`);
  const evalJson = async (model: string, extra: string[] = []): Promise<Record<string, number>> => {
    const r = await webgrad(['eval', dir(model), '--json', '--backend', 'cpu', ...extra]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout) as Record<string, number>;
  };
  const state = (model: string): Record<string, number> => json<Record<string, number>>(join(dir(model), 'state.json'));

  it('eval gives back the held-out results of training: mlp accuracy, vae ELBO, ae reconstruction, ddpm loss', async () => {
    expect((await evalJson('mlp')).testAccuracy).toBe(state('mlp').testAccuracy);
    expect((await evalJson('vae')).heldOutElbo).toBeCloseTo(state('vae').heldOutElbo!, 5);
    expect((await evalJson('ae')).heldOutReconstruction).toBeCloseTo(state('ae').heldOutReconstruction!, 5);
    expect((await evalJson('ddpm')).evalLoss).toBeCloseTo(state('ddpm').evalLoss!, 5);
  });

  it('eval of seq2seq decodes held-out pairs greedily and by beam search', async () => {
    const greedy = await evalJson('seq2seq', ['--eval-size', '4']);
    expect(greedy).toMatchObject({ model: 'seq2seq', step: 8, pairs: 4, decode: 'greedy', exactMatch: state('seq2seq').exactMatch });
    const beam = await evalJson('seq2seq', ['--decode', 'beam', '--beam-width', '2', '--eval-size', '4']);
    expect(beam.exactMatch).toBeGreaterThanOrEqual(0);
    expect(beam.exactMatch).toBeLessThanOrEqual(1);
    expect(beam.tokenAccuracy).toBeGreaterThanOrEqual(beam.exactMatch!);
  });

  it('sample writes ddpm samples and the denoising sequence, vae samples and ae reconstructions', async () => {
    const pictures = join(scratch, 'pictures');
    const ddpm = await webgrad(['sample', dir('ddpm'), '--samples', '4', '--sample-steps', '3', '--out', pictures, '--backend', 'cpu']);
    expect(ddpm.status).toBe(0);
    expect(ddpm.stdout).toContain('4 samples (DDIM, 3 steps)');
    const vae = await webgrad(['sample', dir('vae'), '--samples', '9', '--out', pictures, '--backend', 'cpu']);
    expect(vae.status).toBe(0);
    const ae = await webgrad(['sample', dir('ae'), '--samples', '8', '--seed', '3', '--out', pictures, '--backend', 'cpu']);
    expect(ae.status).toBe(0);
    for (const png of ['sampled-samples.png', 'sampled-denoising.png', 'sampled-reconstructions.png']) expect(isPng(join(pictures, png))).toBe(true);
  });

  it('sample generates text from a gpt checkpoint, the same for the same seed', async () => {
    const a = await webgrad(['sample', dir('gpt'), '--length', '20', '--seed', '4', '--prompt', 'It was', '--backend', 'cpu']);
    const b = await webgrad(['sample', dir('gpt'), '--length', '20', '--seed', '4', '--prompt', 'It was', '--backend', 'cpu']);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/^It was[^]{20}\n$/);
  });

  it('says in one line which checkpoints eval and sample do not take', async () => {
    const e = await webgrad(['eval', dir('xor')]);
    expect(e.status).toBe(1);
    expect(e.stderr).toMatch(/^webgrad: checkpoint '.*xor-straight' holds a xor model, which webgrad eval does not measure \(.*\)\n$/);
    const s = await webgrad(['sample', dir('rnn-vs-lstm')]);
    expect(s.status).toBe(1);
    expect(s.stderr).toMatch(/^webgrad: checkpoint '.*rnn-vs-lstm-straight' holds a rnn-vs-lstm model, which has nothing to sample \(.*\)\n$/);
  });
});

describe('new models: bad input is one line and exit ≠ 0', () => {
  const cases: [args: string[], status: number, message: string][] = [
    [['train', 'rnn-vs-lstm', '--task', 'multiply'], 2, "webgrad: invalid --task 'multiply': allowed choices are adding, copy (see 'webgrad train rnn-vs-lstm --help')"],
    [['train', 'rnn-vs-lstm', '--cells', 'rnn,cnn'], 2, "webgrad: invalid --cells 'rnn,cnn': expected a comma-separated list of rnn, lstm, gru (see 'webgrad train rnn-vs-lstm --help')"],
    [['train', 'rnn-vs-lstm', '--seq-len', '1'], 2, 'webgrad: --seq-len 1 is too short for the adding problem (pass --seq-len 2 or more)'],
    [['train', 'seq2seq', '--min-length', '5', '--max-length', '3'], 2, 'webgrad: --min-length 5 is greater than --max-length 3 (pass --min-length at most --max-length)'],
    [['train', 'seq2seq', '--teacher-forcing', '1.5'], 2, "webgrad: invalid --teacher-forcing '1.5': expected a number from 0 to 1 (see 'webgrad train seq2seq --help')"],
    [['train', 'ae', '--variant', 'sparse', '--arch', 'conv'], 2, 'webgrad: --variant sparse needs --arch mlp (its code units are sigmoids of an MLP layer) (drop --arch conv)'],
    [['train', 'ae', '--rho', '1.5'], 2, "webgrad: invalid --rho '1.5': expected a number between 0 and 1 (see 'webgrad train ae --help')"],
    [['train', 'ddpm', '--data', 'cifar'], 2, "webgrad: invalid --data 'cifar': allowed choices are moons, digits (see 'webgrad train ddpm --help')"],
    [['train', 'ddpm', '--timesteps', '20', '--sample-steps', '50'], 2, 'webgrad: --sample-steps 50 exceeds the 20 diffusion steps (pass --sample-steps at most 20)'],
    [['train', 'ddpm', '--batch-size', '0'], 2, "webgrad: invalid --batch-size '0': expected a whole number of at least 1 (see 'webgrad train ddpm --help')"],
  ];
  it.each(cases)('webgrad %j', async (args, status, message) => {
    const r = await webgrad(args);
    expect(r.stderr).toBe(`${message}\n`);
    expect(r.status).toBe(status);
    expect(r.stdout).toBe('');
  });

  it('refuses to resume with a changed model option, or a checkpoint of another family, touching nothing', async () => {
    const dir = join(scratch, 'ae-straight');
    const before = readFileSync(join(dir, 'model.safetensors'));
    const changed = await webgrad(['train', 'ae', '--resume', dir, '--code-size', '8', '--steps', '20']);
    expect(changed.status).toBe(2);
    expect(changed.stderr).toBe(`webgrad: --code-size 8 differs from the checkpoint's 16 (a resumed run keeps its settings; leave --code-size out or start a new run with another --out)\n`);
    const wrong = await webgrad(['train', 'ddpm', '--resume', dir, '--steps', '20']);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toBe(`webgrad: cannot read checkpoint '${dir}': it holds a ae model, not ddpm (resume it with 'webgrad train ae --resume ${dir}')\n`);
    expect(readFileSync(join(dir, 'model.safetensors')).equals(before)).toBe(true);
  });
});
