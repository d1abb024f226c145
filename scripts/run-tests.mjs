#!/usr/bin/env node
// `pnpm test`: every package's tests through turbo (cached per package), then
// the totals. Old reports are removed first so a package whose tests did not
// run cannot count; turbo restores the report of a cached (unchanged) package.
// `--concurrency=1`: one package at a time, each using every core through its
// vitest forks; thirteen suites at once on a 2-core machine starve each other
// into timeouts. `--continue` runs every package even after one fails, so the totals are
// complete; the exit code is non-zero if turbo or any test failed.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot as root, testedPackages } from './workspace-packages.mjs';

for (const { dir } of testedPackages()) rmSync(join(dir, 'test-results'), { recursive: true, force: true });

const extra = process.argv.slice(2);
const turbo = spawnSync(join(root, 'node_modules', '.bin', 'turbo'), ['run', 'test', '--continue', '--concurrency=1', ...extra], {
  cwd: root,
  stdio: 'inherit',
});
// a filtered run (`pnpm test --filter=@webgrad/nn`) leaves the other packages without a report
const summaryArgs = extra.some((a) => a.startsWith('--filter') || a === '-F') ? ['--allow-missing'] : [];
const summary = spawnSync(process.execPath, [join(root, 'scripts', 'test-summary.mjs'), ...summaryArgs], {
  cwd: root,
  stdio: 'inherit',
});
process.exitCode = turbo.status !== 0 || summary.status !== 0 ? 1 : 0;
