import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';

/**
 * The tsup config every package's `tsup.config.ts` exports: ESM plus `.d.ts`
 * from `src/index.ts`. It builds with tsconfig.build.json, which has no `paths`,
 * so workspace dependencies stay external imports resolved from node_modules.
 * `node:` specifiers are kept as written, so browser bundlers recognise them
 * as Node built-ins.
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
    removeNodeProtocol: false,
    ...overrides,
  });
}

/**
 * The second build of a package whose `src/index.ts` reaches Node-only
 * modules: `dist/index.browser.js` (the package's `browser` export
 * condition), the same entry with each named module swapped for its
 * browser variant, `src/<name>.browser.ts`, so a browser bundle pulls no
 * Node built-ins.
 *
 * @param packageDir - the package folder (`new URL('.', import.meta.url)` in its tsup.config.ts).
 * @param nodeOnlyModules - base names of the Node-only modules, e.g. `['safetensors-file']`.
 * @param overrides - merged over the options (e.g. an `onSuccess` hook).
 */
export function webgradBrowserTsupConfig(packageDir: URL, nodeOnlyModules: readonly string[], overrides: Options = {}) {
  return webgradTsupConfig({
    entry: { 'index.browser': 'src/index.ts' },
    dts: false,
    clean: false,
    esbuildPlugins: [
      {
        name: 'webgrad-browser-variants',
        setup(build) {
          for (const name of nodeOnlyModules) {
            build.onResolve({ filter: new RegExp(`/${name}\\.js$`) }, () => ({
              path: fileURLToPath(new URL(`src/${name}.browser.ts`, packageDir)),
            }));
          }
        },
      },
    ],
    ...overrides,
  });
}
