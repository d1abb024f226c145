import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, printedLosses, webgrad } from './run-webgrad';

const scratch = mkdtempSync(join(tmpdir(), 'webgrad-cli-charlm-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// a tiny model on the shipped text: fast, and still a real training run
const TINY = [
  '--hidden-size', '12', '--embed-dim', '6', '--batch-size', '4', '--seq-len', '8',
  '--backend', 'cpu', '--sample-length', '40', '--lr', '0.02',
];

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function stateOf(dir: string): { step: number; losses: number[] } {
  return JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { step: number; losses: number[] };
}

describe('webgrad train char-lstm / char-gru', () => {
  it('trains on tiny Shakespeare: the loss falls, a checkpoint and pictures are written, text is generated', () => {
    const out = join(scratch, 'lstm');
    const r = webgrad(['train', 'char-lstm', ...TINY, '--steps', '60', '--log-every', '20', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('data: tiny Shakespeare (shipped)');
    const losses = printedLosses(r.stdout);
    expect(losses).toHaveLength(3);
    // an untrained model predicts ~uniformly over 65 characters: ln 65 ≈ 4.17
    expect(stateOf(out).losses[0]!).toBeGreaterThan(3.9);
    expect(losses[2]!).toBeLessThan(stateOf(out).losses[0]! - 0.5);
    expect(stateOf(out).step).toBe(60);
    expect(r.stdout).toMatch(/^validation: loss \d+\.\d+, perplexity \d+\.\d+/m);
    const generated = r.stdout.split('--- generated text (temperature 0.8) ---\n')[1]!;
    expect(generated.length).toBeGreaterThanOrEqual(40);
    for (const png of ['loss.png', 'gradient-flow.png'])
      expect([...readFileSync(join(out, png)).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  it('a run resumed from a checkpoint equals an uninterrupted one bit for bit (weights, optimizer, losses)', () => {
    // two layers with dropout: the resumed run must also restore the RNG stream
    const common = [...TINY, '--layers', '2', '--dropout', '0.1', '--seed', '3', '--checkpoint-every', '1000', '--sample-length', '1'];
    const straight = join(scratch, 'straight');
    const split = join(scratch, 'split');
    expect(webgrad(['train', 'char-lstm', ...common, '--steps', '24', '--out', straight]).status).toBe(0);
    expect(webgrad(['train', 'char-lstm', ...common, '--steps', '24', '--stop-after', '12', '--out', split]).status).toBe(0);
    expect(stateOf(split).step).toBe(12);
    const resumed = webgrad(['train', 'char-lstm', '--resume', split, '--sample-length', '1']);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain(`resuming from ${split} at step 12`);
    expect(stateOf(split).losses).toEqual(stateOf(straight).losses);
    for (const file of ['model.safetensors', 'optimizer.safetensors'])
      expect(readFileSync(join(split, file)).equals(readFileSync(join(straight, file)))).toBe(true);
  });

  it('Ctrl-C finishes the step, saves a checkpoint and exits 130; --resume continues from it', async () => {
    const out = join(scratch, 'interrupted');
    const child = spawn(process.execPath, [CLI, 'train', 'char-gru', ...TINY, '--steps', '100000', '--log-every', '1', '--out', out], {
      env: { ...process.env, WEBGRAD_BACKEND: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (!child.killed && /^step +3\//m.test(stdout)) child.kill('SIGINT');
      });
      child.on('exit', (code) => resolve(code));
    });
    expect(status).toBe(130);
    expect(stderr).toMatch(/^webgrad: interrupted after \d+ of 100000 steps\n$/);
    const step = stateOf(out).step;
    expect(step).toBeGreaterThanOrEqual(3);
    expect(stdout).toContain(`interrupted: step ${step} saved to ${out}`);
    const resumed = webgrad(['train', 'char-gru', '--resume', out, '--steps', String(step + 2), '--sample-length', '1']);
    expect(resumed.status).toBe(0);
    expect(stateOf(out).step).toBe(step + 2);
    expect(stateOf(out).losses).toHaveLength(step + 2);
  });

  it('sample: the same seed gives the same text, top-k and top-p are accepted; eval: perplexity = exp(loss)', () => {
    const out = join(scratch, 'lstm');
    const a = webgrad(['sample', out, '--length', '50', '--seed', '5', '--top-k', '5', '--backend', 'cpu']);
    const b = webgrad(['sample', out, '--length', '50', '--seed', '5', '--top-k', '5', '--backend', 'cpu']);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout.length).toBeGreaterThanOrEqual(50);
    const p = webgrad(['sample', out, '--length', '30', '--top-p', '0.9', '--temperature', '0.5', '--prompt', 'ROMEO:', '--backend', 'cpu']);
    expect(p.status).toBe(0);
    expect(p.stdout.startsWith('ROMEO:')).toBe(true);
    const e = webgrad(['eval', out, '--max-chars', '2000', '--json', '--backend', 'cpu']);
    expect(e.status).toBe(0);
    const r = JSON.parse(e.stdout) as { loss: number; perplexity: number; bitsPerToken: number; step: number };
    expect(r.step).toBe(60);
    expect(r.perplexity).toBeCloseTo(Math.exp(r.loss), 10);
    expect(r.bitsPerToken).toBeCloseTo(r.loss / Math.LN2, 10);
    expect(r.loss).toBeLessThan(Math.log(65));
  });
});

describe('char-lstm bad input: one line, exit ≠ 0, and a good checkpoint is never overwritten', () => {
  const good = join(scratch, 'good');
  const files = ['config.json', 'state.json', 'model.safetensors', 'optimizer.safetensors'];
  const snapshot = (dir: string): Buffer[] => files.map((f) => readFileSync(join(dir, f)));

  it('reports a missing data file, a bad option and a missing checkpoint', () => {
    const missing = webgrad(['train', 'char-lstm', '--data', join(scratch, 'nope.txt')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(
      `webgrad: cannot read the data file '${join(scratch, 'nope.txt')}' (ENOENT) (pass --data a readable UTF-8 text file, or leave --data out to use the shipped tiny Shakespeare)\n`,
    );
    const batch = webgrad(['train', 'char-lstm', '--batch-size', '0']);
    expect(batch.status).toBe(2);
    expect(batch.stderr).toBe(
      "webgrad: invalid --batch-size '0': expected a whole number of at least 1 (see 'webgrad train char-lstm --help')\n",
    );
    const none = webgrad(['sample', join(scratch, 'no-such-run')]);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/^webgrad: cannot read checkpoint '.*no-such-run': cannot read config\.json \(ENOENT\) \(pass the directory/);
    expect(none.stderr.split('\n')).toHaveLength(2);
  });

  it('refuses a truncated, a wrong-model and a mismatched checkpoint without touching it', () => {
    const text = join(scratch, 'text.txt');
    writeFileSync(text, 'the quick brown fox jumps over the lazy dog. '.repeat(100));
    expect(webgrad(['train', 'char-lstm', ...TINY, '--data', text, '--steps', '4', '--out', good, '--sample-length', '1']).status).toBe(0);
    const before = snapshot(good);

    const wrongModel = webgrad(['train', 'char-gru', '--resume', good, '--steps', '8']);
    expect(wrongModel.status).toBe(1);
    expect(wrongModel.stderr).toBe(
      `webgrad: cannot read checkpoint '${good}': it holds a char-lstm model, not char-gru (resume it with 'webgrad train char-lstm --resume ${good}')\n`,
    );
    const changed = webgrad(['train', 'char-lstm', '--resume', good, '--hidden-size', '32', '--steps', '8']);
    expect(changed.status).toBe(2);
    expect(changed.stderr).toMatch(/^webgrad: --hidden-size 32 differs from the checkpoint's 12 \(/);
    expect(snapshot(good)).toEqual(before);

    // a copy with its weights truncated: reported, and nothing written over it
    const torn = join(scratch, 'torn');
    rmSync(torn, { recursive: true, force: true });
    expect(webgrad(['train', 'char-lstm', ...TINY, '--data', text, '--steps', '4', '--out', torn, '--sample-length', '1']).status).toBe(0);
    truncateSync(join(torn, 'model.safetensors'), statSync(join(torn, 'model.safetensors')).size - 100);
    const tornBefore = snapshot(torn);
    const r = webgrad(['train', 'char-lstm', '--resume', torn, '--steps', '8']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^webgrad: cannot read checkpoint '.*torn': model\.safetensors is corrupt: .*\(pass the directory/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(snapshot(torn)).toEqual(tornBefore);

    // weights of another shape under a valid config: a shape mismatch
    const config = JSON.parse(readFileSync(join(good, 'config.json'), 'utf8')) as Record<string, unknown>;
    const mismatched = join(scratch, 'mismatched');
    rmSync(mismatched, { recursive: true, force: true });
    expect(webgrad(['train', 'char-lstm', ...TINY, '--data', text, '--steps', '4', '--out', mismatched, '--sample-length', '1']).status).toBe(0);
    writeFileSync(join(mismatched, 'config.json'), JSON.stringify({ ...config, hiddenSize: 20 }));
    const m = webgrad(['eval', mismatched]);
    expect(m.status).toBe(1);
    expect(m.stderr).toMatch(/^webgrad: checkpoint '.*mismatched' does not fit its config\.json: .*\(the weights belong to another model/);
    expect(m.stderr.split('\n')).toHaveLength(2);
  });
});
