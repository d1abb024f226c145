import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { printedLosses, webgrad } from './run-webgrad';

const scratch = mkdtempSync(join(tmpdir(), 'webgrad-cli-gpt-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('webgrad train gpt', () => {
  it('a tiny character GPT on tiny Shakespeare: the loss falls from ln 65 and text is generated', () => {
    const out = join(scratch, 'gpt');
    const r = webgrad([
      'train', 'gpt', '--steps', '30', '--batch-size', '4', '--block-size', '16', '--embd', '16', '--heads', '2',
      '--layers', '1', '--lr', '0.01', '--sample-length', '40', '--backend', 'cpu', '--log-every', '10', '--out', out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const losses = printedLosses(r.stdout);
    expect(losses).toHaveLength(3);
    const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { losses: number[]; validationLoss: number };
    // untrained: about ln 65 ≈ 4.17 nats per character
    expect(Math.abs(state.losses[0]! - Math.log(65))).toBeLessThan(0.3);
    expect(losses[2]!).toBeLessThan(state.losses[0]! - 0.5);
    expect(state.validationLoss).toBeLessThan(Math.log(65));
    const generated = r.stdout.split('--- generated text (temperature 0.8) ---\n')[1]!;
    expect(generated.length).toBeGreaterThanOrEqual(40);
  });
});
