import { defineConfig, type Options } from 'tsup';

/**
 * The tsup config every package's `tsup.config.ts` exports: ESM plus `.d.ts`
 * from `src/index.ts`. It builds with tsconfig.build.json, which has no `paths`,
 * so workspace dependencies stay external imports resolved from node_modules.
 *
 * @param overrides - merged over the shared options (e.g. the cli's extra entry).
 */
export function webgradTsupConfig(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    tsconfig: 'tsconfig.build.json',
    ...overrides,
  });
}
