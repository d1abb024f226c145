#!/usr/bin/env node
// `pnpm release:check`: proves every publishable package works when installed
// alone from its tarball, the way a user gets it from npm.
//
// For each package that is not private:
//   1. `pnpm pack` it (workspace:^ ranges become real semver ranges);
//   2. in an empty scratch project outside the workspace, `npm install` its
//      tarball together with the tarballs of the webgrad packages it depends
//      on (no workspace, no links; only real third-party dependencies come
//      from the registry);
//   3. run the first ```ts / ```js block of the README that was packed, with
//      tsx (so TypeScript examples run as written) from that scratch project,
//      so every import resolves to the installed tarballs;
//   4. lint the tarball with publint (--strict) and @arethetypeswrong/cli
//      (profile esm-only: the packages are ESM-only on purpose).
// It prints a table and exits non-zero when any cell failed.
//
//   node scripts/release-check.mjs [--only @webgrad/nn,@webgrad/optim] [--no-build] [--keep]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, workspacePackages } from './workspace-packages.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const onlyArg = args.find((a, i) => args[i - 1] === '--only') ?? args.find((a) => a.startsWith('--only='))?.slice(7);
const only = onlyArg ? new Set(onlyArg.split(',')) : null;
const EXAMPLE_TIMEOUT_MS = 180_000;
const bin = (name) => join(repoRoot, 'node_modules', '.bin', name);

/** Runs a command, capturing its output; never throws. */
function run(cmd, cmdArgs, options = {}) {
  const r = spawnSync(cmd, cmdArgs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`;
  return { ok: r.status === 0, status: r.status, output };
}

/** The first ```ts / ```js (or typescript / javascript) fenced block of a README, or null. */
export function firstExample(markdown) {
  const m = /^```(ts|typescript|js|javascript|mjs)[^\n]*\n([\s\S]*?)^```/m.exec(markdown);
  return m ? { lang: m[1], code: m[2] } : null;
}

/** The webgrad packages `pkg` needs at run time, transitively (dependencies and required peers). */
function internalClosure(pkg, byName) {
  const seen = new Set();
  const visit = (p) => {
    const m = p.manifest;
    const optionalPeers = m.peerDependenciesMeta ?? {};
    const names = [
      ...Object.keys(m.dependencies ?? {}),
      ...Object.keys(m.peerDependencies ?? {}).filter((n) => !optionalPeers[n]?.optional),
    ];
    for (const n of names) {
      const dep = byName.get(n);
      if (dep && !seen.has(n)) {
        seen.add(n);
        visit(dep);
      }
    }
  };
  visit(pkg);
  return [...seen].map((n) => byName.get(n));
}

const all = workspacePackages();
const byName = new Map(all.map((p) => [p.name, p]));
const publishable = all.filter((p) => p.manifest.private !== true && (!only || only.has(p.name)));
if (publishable.length === 0) {
  console.error(`release-check: no publishable package matches ${onlyArg}`);
  process.exit(1);
}

if (!flag('--no-build')) {
  console.log('release-check: building (turbo, cached)...');
  const b = spawnSync(bin('turbo'), ['run', 'build', '--output-logs=errors-only'], { cwd: repoRoot, stdio: 'inherit' });
  if (b.status !== 0) {
    console.error('release-check: the build failed');
    process.exit(1);
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'webgrad-release-check-'));
const tarballDir = join(scratch, 'tarballs');
mkdirSync(tarballDir);
console.log(`release-check: scratch directory ${scratch}`);

// 1. pack every package the checked ones need
const tarballs = new Map();
const toPack = new Set(publishable.flatMap((p) => [p, ...internalClosure(p, byName)]));
for (const p of toPack) {
  const r = run('pnpm', ['pack', '--pack-destination', tarballDir], { cwd: p.dir });
  const file = join(tarballDir, `${p.name.replace(/^@/, '').replace('/', '-')}-${p.manifest.version}.tgz`);
  if (!r.ok || !existsSync(file)) {
    console.error(`release-check: pnpm pack failed for ${p.name}\n${r.output}`);
    process.exit(1);
  }
  tarballs.set(p.name, file);
}

const results = [];
for (const p of publishable) {
  const row = { name: p.name, size: statSync(tarballs.get(p.name)).size, install: false, example: false, lint: false, notes: [] };
  results.push(row);
  process.stdout.write(`release-check: ${p.name} ...`);
  const dir = join(scratch, p.name.replace(/^@/, '').replace('/', '-'));
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'release-check-project', private: true, type: 'module' }, null, 2)}\n`);

  // 2. install the tarball and its webgrad dependencies' tarballs
  const deps = internalClosure(p, byName);
  const install = run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline', tarballs.get(p.name), ...deps.map((d) => tarballs.get(d.name))],
    { cwd: dir },
  );
  const installedManifest = join(dir, 'node_modules', ...p.name.split('/'), 'package.json');
  if (install.ok && existsSync(installedManifest)) {
    const installed = JSON.parse(readFileSync(installedManifest, 'utf8'));
    const leftover = Object.entries(installed.dependencies ?? {}).filter(([, v]) => String(v).startsWith('workspace:'));
    if (leftover.length > 0) row.notes.push(`install: workspace: ranges left in the packed manifest: ${leftover.map(([k]) => k).join(', ')}`);
    else row.install = true;
  } else {
    row.notes.push(`install failed:\n${tail(install.output)}`);
  }

  // 3. the README example
  const readmePath = join(dir, 'node_modules', ...p.name.split('/'), 'README.md');
  const example = row.install && existsSync(readmePath) ? firstExample(readFileSync(readmePath, 'utf8')) : null;
  if (!row.install) {
    row.notes.push('example: not run (install failed)');
  } else if (example === null) {
    row.notes.push('example: the packed README.md has no ```ts or ```js block');
  } else {
    const file = join(dir, example.lang.startsWith('j') || example.lang === 'mjs' ? 'example.mjs' : 'example.ts');
    writeFileSync(file, example.code);
    const ex = run(bin('tsx'), [file], { cwd: dir, timeout: EXAMPLE_TIMEOUT_MS, env: { ...process.env, NODE_OPTIONS: '' } });
    if (ex.ok) row.example = true;
    else row.notes.push(`example failed (exit ${ex.status}):\n${tail(ex.output)}`);
  }

  // 4. publint and arethetypeswrong on the tarball
  const pub = run(bin('publint'), ['run', tarballs.get(p.name), '--strict'], { cwd: scratch });
  const attw = run(bin('attw'), [tarballs.get(p.name), '--profile', 'esm-only', '--format', 'ascii', '--no-color', '--no-emoji'], {
    cwd: scratch,
  });
  row.lint = pub.ok && attw.ok;
  if (!pub.ok) row.notes.push(`publint:\n${tail(pub.output)}`);
  if (!attw.ok) row.notes.push(`attw:\n${tail(attw.output)}`);
  process.stdout.write(` ${row.install && row.example && row.lint ? 'ok' : 'FAILED'}\n`);
}

// the table
const mark = (b) => (b ? 'ok' : 'FAIL');
const header = ['package', 'tarball', 'install', 'example', 'lint'];
const body = results.map((r) => [r.name, `${(r.size / 1024).toFixed(1)} kB`, mark(r.install), mark(r.example), mark(r.lint)]);
const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${body.map(line).join('\n')}`);

const failed = results.filter((r) => !(r.install && r.example && r.lint));
for (const r of failed) console.log(`\n## ${r.name}\n${r.notes.join('\n')}`);
if (flag('--keep')) console.log(`\nrelease-check: kept ${scratch}`);
else rmSync(scratch, { recursive: true, force: true });
console.log(`\nrelease-check: ${results.length - failed.length} of ${results.length} packages ok`);
process.exitCode = failed.length > 0 ? 1 : 0;

function tail(text, lines = 25) {
  return text.trimEnd().split('\n').slice(-lines).map((l) => `    ${l}`).join('\n');
}
