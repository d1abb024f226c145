import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { printedLosses, webgrad } from './run-webgrad';

const scratch = mkdtempSync(join(tmpdir(), 'webgrad-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface MetricsLine {
  step: number;
  loss: number;
  lr: number;
  elapsedSeconds: number;
}

function readMetrics(path: string): MetricsLine[] {
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as MetricsLine);
}

describe('webgrad train xor', () => {
  it('learns XOR on the default backend: the loss falls and the truth table is 0 1 1 0', () => {
    const r = webgrad(['train', 'xor', '--steps', '600', '--log-every', '100']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^backend: (cpu|webgpu) \(/m);
    const losses = printedLosses(r.stdout);
    expect(losses).toHaveLength(6);
    // mean squared error of an untrained net is far above that of a solved one
    expect(losses[0]!).toBeGreaterThan(10 * losses[losses.length - 1]!);
    expect(losses[losses.length - 1]!).toBeLessThan(1e-3);
    // the table rows: x1 x2 | target | output | rounded
    const rows = [
      ...r.stdout.matchAll(/^ +([01]) +([01]) \| +([01]) +\| +(-?\d+\.\d+) \| (-?\d+)$/gm),
    ].map((m) => m.slice(1).map(Number));
    expect(rows.map(([a, b]) => [a, b])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    for (const [a, b, target, output, rounded] of rows) {
      expect(target).toBe(a! ^ b!);
      expect(Math.abs(output! - target!)).toBeLessThan(0.1);
      expect(rounded).toBe(target);
    }
    expect(r.stdout).toContain('XOR learned: all 4 rows correct');
  });

  it('writes one JSON line of metrics per step, and the same seed gives the same run', () => {
    const a = join(scratch, 'a.jsonl');
    const b = join(scratch, 'b.jsonl');
    const c = join(scratch, 'c.jsonl');
    expect(
      webgrad(['train', 'xor', '--steps', '40', '--seed', '7', '--lr', '0.05', '--metrics', a])
        .status,
    ).toBe(0);
    expect(
      webgrad(['train', 'xor', '--steps', '40', '--seed', '7', '--lr', '0.05', '--metrics', b])
        .status,
    ).toBe(0);
    expect(
      webgrad(['train', 'xor', '--steps', '40', '--seed', '8', '--lr', '0.05', '--metrics', c])
        .status,
    ).toBe(0);
    const ma = readMetrics(a);
    expect(ma.map((m) => m.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (const m of ma) {
      expect(m.lr).toBe(0.05);
      expect(Number.isFinite(m.loss)).toBe(true);
    }
    expect(ma[ma.length - 1]!.elapsedSeconds).toBeGreaterThanOrEqual(ma[0]!.elapsedSeconds);
    expect(readMetrics(b).map((m) => m.loss)).toEqual(ma.map((m) => m.loss));
    expect(readMetrics(c).map((m) => m.loss)).not.toEqual(ma.map((m) => m.loss));
  });

  it('draws a progress bar with the loss, steps/s and ETA when asked to (on stderr)', () => {
    const r = webgrad(['train', 'xor', '--steps', '200', '--progress', 'always']);
    expect(r.status).toBe(0);
    const bar = r.stderr.trimEnd().split('\n').pop()!;
    expect(bar).toMatch(
      /^train xor \|█+\| 200\/200 \| loss \d\S* \| \d+(\.\d)? steps\/s \| ETA \d+s$/,
    );
    // and without it, only the plain lines: piped output has no bar
    expect(webgrad(['train', 'xor', '--steps', '20']).stderr).toBe('');
  });

  it('stops with a one-line error when the loss diverges', () => {
    const r = webgrad(['train', 'xor', '--lr', '1e6', '--steps', '100']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^webgrad: the loss became (Infinity|NaN) at step \d+ \(try a smaller --lr\)\n$/,
    );
  });
});
