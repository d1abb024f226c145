// The workspace's packages, read from packages/* and apps/* (the globs of
// pnpm-workspace.yaml), for the repo scripts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Every workspace package as { name, dir, manifest }, packages/* first, each
 * group in directory order.
 */
export function workspacePackages(root = repoRoot) {
  const out = [];
  for (const group of ['packages', 'apps']) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const manifestPath = join(groupDir, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      out.push({ name: manifest.name, dir: join(groupDir, entry.name), manifest });
    }
  }
  return out;
}

/** The packages with a `test` script. */
export function testedPackages(root = repoRoot) {
  return workspacePackages(root).filter((p) => typeof p.manifest.scripts?.test === 'string');
}
