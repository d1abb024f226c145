#!/usr/bin/env node
// `pnpm release:dry-run`: exercises the release flow without publishing.
//
//   1. `changeset version` in a scratch copy of the workspace manifests with a
//      generated changeset (a minor for @webgrad/core-tensor, which in 0.x
//      leaves the `^0.1.0` range its dependents declare): checks that
//      core-tensor is bumped and gets a CHANGELOG entry, and that every package
//      depending on it directly is bumped too (changesets bumps a dependent
//      when a dependency's new version leaves the range it declares; a patch
//      inside the range bumps only the package itself). The repository itself
//      is not touched.
//   2. `pnpm publish -r --dry-run --no-git-checks` in the repository: packs
//      every public package exactly as `changeset publish` would publish it
//      (workspace:^ ranges replaced) and reports what would be sent.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot, workspacePackages } from './workspace-packages.mjs';

const packages = workspacePackages();
const scratch = mkdtempSync(join(tmpdir(), 'webgrad-release-dry-run-'));
let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
};

// 1. changeset version in a scratch copy
for (const f of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json']) {
  mkdirSync(join(scratch, f, '..'), { recursive: true });
  cpSync(join(repoRoot, f), join(scratch, f));
}
for (const p of packages) {
  const dest = join(scratch, relative(repoRoot, p.dir));
  mkdirSync(dest, { recursive: true });
  cpSync(join(p.dir, 'package.json'), join(dest, 'package.json'));
  if (existsSync(join(p.dir, 'CHANGELOG.md'))) cpSync(join(p.dir, 'CHANGELOG.md'), join(dest, 'CHANGELOG.md'));
}
writeFileSync(
  join(scratch, '.changeset', 'dry-run-core-tensor.md'),
  "---\n'@webgrad/core-tensor': minor\n---\n\nRelease dry run: a minor change to core-tensor.\n",
);
const version = spawnSync(join(repoRoot, 'node_modules', '.bin', 'changeset'), ['version'], { cwd: scratch, encoding: 'utf8' });
check(version.status === 0, `changeset version ran${version.status === 0 ? '' : `:\n${version.stdout}${version.stderr}`}`);

const manifestIn = (root, p) => JSON.parse(readFileSync(join(root, relative(repoRoot, p.dir), 'package.json'), 'utf8'));
const core = packages.find((p) => p.name === '@webgrad/core-tensor');
const bumped = manifestIn(scratch, core).version;
check(bumped !== core.manifest.version, `@webgrad/core-tensor ${core.manifest.version} -> ${bumped}`);
const changelog = readFileSync(join(scratch, 'packages', 'core-tensor', 'CHANGELOG.md'), 'utf8');
check(changelog.includes(`## ${bumped}`) && changelog.includes('Release dry run'), `core-tensor CHANGELOG.md has a ${bumped} entry`);
const dependents = packages.filter(
  (p) => p.manifest.private !== true && Object.keys({ ...p.manifest.dependencies }).includes('@webgrad/core-tensor'),
);
for (const p of dependents) {
  const m = manifestIn(scratch, p);
  const range = m.dependencies['@webgrad/core-tensor'];
  check(m.version !== p.manifest.version && range.startsWith('workspace:'), `dependent ${p.name} ${p.manifest.version} -> ${m.version} (depends on core-tensor ${range})`);
}
check(!existsSync(join(scratch, '.changeset', 'dry-run-core-tensor.md')), 'the consumed changeset was removed');
rmSync(scratch, { recursive: true, force: true });

// 2. what `changeset publish` would send, without sending it
const publish = spawnSync('pnpm', ['publish', '-r', '--dry-run', '--no-git-checks', '--access', 'public'], {
  cwd: repoRoot,
  encoding: 'utf8',
});
const out = `${publish.stdout}${publish.stderr}`;
const publicNames = packages.filter((p) => p.manifest.private !== true).map((p) => p.name);
const missing = publicNames.filter((n) => !out.includes(`${n}@`));
check(publish.status === 0 && missing.length === 0, `pnpm publish -r --dry-run packs ${publicNames.length} public packages${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`);
if (publish.status !== 0) console.log(out.split('\n').slice(-30).join('\n'));

console.log(failures === 0 ? '\nrelease dry run: ok' : `\nrelease dry run: ${failures} check(s) failed`);
process.exitCode = failures === 0 ? 0 : 1;
