import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { printedLosses, webgrad } from './run-webgrad';

const scratch = mkdtempSync(join(tmpdir(), 'webgrad-cli-mlp-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('webgrad train mlp', () => {
  it('learns the 8x8 digits: the loss falls and the held-out accuracy is far above chance (10%)', () => {
    const out = join(scratch, 'mlp');
    const r = webgrad(['train', 'mlp', '--epochs', '3', '--hidden-size', '32', '--backend', 'cpu', '--log-every', '22', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('1347 training / 450 test images; 66 steps (3.0 epochs of 22 batches)');
    const losses = printedLosses(r.stdout);
    expect(losses).toHaveLength(3);
    // ln 10 ≈ 2.30 at the start; three epochs of Adam bring it well below 1
    expect(losses[2]!).toBeLessThan(1);
    const test = Number(/accuracy: train \d+\.\d+%, test (\d+\.\d+)%/.exec(r.stdout)![1]);
    expect(test).toBeGreaterThan(80);
    const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { step: number; testAccuracy: number };
    expect(state.step).toBe(66);
    expect(100 * state.testAccuracy).toBeCloseTo(test, 1);
  });
});
