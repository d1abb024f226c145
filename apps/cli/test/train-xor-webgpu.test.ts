import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { webgrad } from './run-webgrad';

// Whether this machine has a WebGPU adapter is asked of the binary itself.
const probe = webgrad(['info', '--backend', 'webgpu', '--json']);
const hasAdapter = probe.status === 0;
const required = process.env.WEBGRAD_REQUIRE_WEBGPU === '1';
const scratch = mkdtempSync(join(tmpdir(), 'webgrad-cli-gpu-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function losses(path: string): number[] {
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => (JSON.parse(l) as { loss: number }).loss);
}

describe('webgrad train xor --backend webgpu', () => {
  // Runs wherever an adapter exists, and always under WEBGRAD_REQUIRE_WEBGPU=1 (where a missing adapter fails it).
  const name = 'trains on WebGPU and follows the CPU run step for step';
  it.skipIf(!hasAdapter && !required)(
    hasAdapter || required ? name : `${name} — skipped: no WebGPU adapter on this machine`,
    () => {
      const gpu = join(scratch, 'gpu.jsonl');
      const cpu = join(scratch, 'cpu.jsonl');
      const r = webgrad(['train', 'xor', '--backend', 'webgpu', '--steps', '60', '--metrics', gpu]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^backend: webgpu \(/m);
      expect(
        webgrad(['train', 'xor', '--backend', 'cpu', '--steps', '60', '--metrics', cpu]).status,
      ).toBe(0);
      // same seed, same Philox stream, same initial weights: the float32 runs agree closely
      const g = losses(gpu);
      const c = losses(cpu);
      expect(g).toHaveLength(60);
      g.forEach((v, i) =>
        expect(Math.abs(v - c[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(c[i]!))),
      );
      expect(g[59]!).toBeLessThan(g[0]!);
    },
  );
});
