import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { webgrad } from './run-webgrad';

const version = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

describe('webgrad info', () => {
  it('prints the version, the chosen backend with its device and the CPU', () => {
    const r = webgrad(['info']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^webgrad ${version.replace(/\./g, '\\.')}$`, 'm'));
    expect(r.stdout).toMatch(/^backend: +(cpu|webgpu) \(requested: auto\)$/m);
    expect(r.stdout).toMatch(/^device: +\S/m);
    expect(r.stdout).toMatch(/^cpu: +.+\(\d+ cores\)$/m);
  });

  it('reports the CPU backend when asked for it, as JSON', () => {
    const r = webgrad(['info', '--backend', 'cpu', '--json']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as {
      version: string;
      packages: Record<string, string>;
      backend: { name: string; reason: string };
      registeredBackends: string[];
    };
    expect(report.version).toBe(version);
    expect(Object.keys(report.packages)).toEqual([
      '@webgrad/core-tensor',
      '@webgrad/autograd',
      '@webgrad/nn',
    ]);
    expect(report.backend.name).toBe('cpu');
    expect(report.backend.reason).toBe('requested explicitly');
    expect(report.registeredBackends).toContain('cpu');
  });

  it('--version prints the version and exits 0', () => {
    const r = webgrad(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });
});
