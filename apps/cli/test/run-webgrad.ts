import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built bin, exactly what `npx webgrad` runs. */
export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/**
 * Lines Dawn (the native WebGPU implementation) writes straight to the
 * process's stderr when a device is created, e.g. `Warning:
 * maxDynamicUniformBuffersPerPipelineLayout artificially reduced ...` on
 * lavapipe. They are not the CLI's output, so the checks on it ignore them.
 */
const DAWN_LOG_LINE = /^Warning: .*\n/gm;

/**
 * The working directory of every run: training commands write to `runs/<model>`
 * unless told otherwise, and that must not land in the source tree.
 */
const CWD = mkdtempSync(join(tmpdir(), 'webgrad-cli-cwd-'));
process.on('exit', () => rmSync(CWD, { recursive: true, force: true }));

/** What one run of the binary did (stderr without Dawn's own log lines). */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js ...args` as a subprocess, with piped (non-terminal) output. */
export function webgrad(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd: CWD,
    env: { ...process.env, WEBGRAD_BACKEND: '', ...env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(DAWN_LOG_LINE, '') };
}

/**
 * Runs the binary like `webgrad` but without blocking the test worker while
 * it trains (a long synchronous wait starves vitest's own messages).
 */
export function webgradAsync(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: CWD, env: { ...process.env, WEBGRAD_BACKEND: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr: stderr.replace(DAWN_LOG_LINE, '') });
    });
  });
}

/** The losses printed on the periodic `step i/n  loss x` lines, in order. */
export function printedLosses(stdout: string): number[] {
  return [...stdout.matchAll(/^step +\d+\/\d+ +loss (\S+)/gm)].map((m) => Number(m[1]));
}
