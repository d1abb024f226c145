import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig, type UserConfig } from 'vitest/config';

/** A vite alias that rewrites an exact import specifier to a file. */
export interface SourceAlias {
  find: RegExp;
  replacement: string;
}

const workspaceRoot = dirname(fileURLToPath(import.meta.url));

/** Where each package's vitest run writes its JSON report, relative to the package. */
export const TEST_REPORT_FILE = 'test-results/vitest.json';
const packageGroups = ['packages', 'apps'];

/**
 * The vitest config every package's `vitest.config.ts` exports.
 *
 * Workspace packages resolve to their `src/index.ts`, so a package's tests run
 * against its dependencies' sources without building them first.
 *
 * @param overrides - merged over the shared config, for a package that needs more.
 */
export function webgradVitestConfig(overrides: UserConfig = {}): UserConfig {
  const shared = defineConfig({
    resolve: { alias: workspaceSourceAliases() },
    test: {
      include: ['test/**/*.test.ts'],
      // Dawn (the `webgpu` package) is a native addon that must not share a
      // process between workers, so tests run in forked processes, not threads.
      pool: 'forks',
      // generous: CI machines have 2 cores and the WebGPU tests run on a software adapter
      testTimeout: 120_000,
      hookTimeout: 60_000,
      passWithNoTests: false,
      // The JSON report is what `scripts/test-summary.mjs` adds up over every
      // package (turbo keeps it as the test task's output, so a cached run
      // restores it).
      reporters: ['default', ['json', { outputFile: TEST_REPORT_FILE }]],
    },
  });
  return mergeConfig(shared, overrides);
}

/**
 * One exact-match alias per workspace package, from `packages/*` and `apps/*`,
 * named by its package.json, so a new package needs no config change.
 */
export function workspaceSourceAliases(): SourceAlias[] {
  const aliases: SourceAlias[] = [];
  for (const group of packageGroups) {
    const groupDir = join(workspaceRoot, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir, { withFileTypes: true })) {
      const manifest = join(groupDir, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
      aliases.push({
        find: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`),
        replacement: join(groupDir, entry.name, 'src', 'index.ts'),
      });
    }
  }
  return aliases;
}
