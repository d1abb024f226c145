#!/usr/bin/env node
// Bundle size and tree-shaking, measured on the built packages (run
// `pnpm build` first; `pnpm bench` does) with esbuild for the browser:
// minified, then gzipped (level 9).
//
//   1. core-tensor + autograd + nn, everything they export;
//   2. core-tensor alone;
//   3. a page that imports only `tensor` and `add` from the `webgrad`
//      umbrella: must pull no code but core-tensor and autograd (whose import
//      installs the gradient recorder): no nn, optim, regularize, recurrent
//      layers, transformer, generative models or data.
// Exits non-zero when the tree-shaking check fails or a browser bundle
// imports a Node built-in.
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from './workspace-packages.mjs';

// resolve @webgrad/* and webgrad the way an app does: through node_modules
// to each package's built dist (the umbrella package depends on all of them)
const resolveDir = join(repoRoot, 'packages', 'webgrad');

async function bundle(name, contents) {
  const result = await build({
    stdin: { contents, resolveDir, sourcefile: `${name}.js`, loader: 'js' },
    absWorkingDir: repoRoot,
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    metafile: true,
    logLevel: 'error',
    outfile: 'out.js',
    // the root tsconfig.json maps @webgrad/* to sources (for tests and the
    // editor); an app sees only the published packages, so use the base
    // config, which has no paths
    tsconfig: join(repoRoot, 'tsconfig.base.json'),
    // as Vite does for the browser: Node built-ins behind Node-only code paths
    // stay external (and are reported below)
    external: ['node:*'],
  });
  const code = result.outputFiles[0].contents;
  const [output] = Object.values(result.metafile.outputs);
  const bytesByPackage = {};
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput === 0) continue;
    // metafile paths are relative to absWorkingDir (the repo root)
    const m = /(?:^|\/)(packages|apps)\/([^/]+)\/(?:dist|src)\//.exec(file.replaceAll('\\', '/'));
    const pkg = m ? m[2] : file.includes('node_modules') ? 'third-party' : 'entry';
    bytesByPackage[pkg] = (bytesByPackage[pkg] ?? 0) + bytesInOutput;
  }
  const nodeBuiltins = [...new Set(output.imports.filter((i) => i.external && i.path.startsWith('node:')).map((i) => i.path))];
  const text = new TextDecoder().decode(code);
  return { name, minified: code.length, gzipped: gzipSync(code, { level: 9 }).length, bytesByPackage, nodeBuiltins, code: text };
}

const kB = (n) => `${(n / 1024).toFixed(1)} kB`;

const rows = [
  await bundle(
    'core-tensor + autograd + nn',
    "export * from '@webgrad/core-tensor'; export * from '@webgrad/autograd'; export * from '@webgrad/nn';",
  ),
  await bundle('core-tensor', "export * from '@webgrad/core-tensor';"),
  await bundle('{ tensor, add } from webgrad', "import { tensor, add } from 'webgrad'; console.log(add(tensor([1, 2]), 1).toString());"),
  await bundle('{ LSTM } from webgrad', "import { LSTM } from 'webgrad'; console.log(new LSTM(4, 8).toString());"),
];

console.log('\nbrowser bundle size (esbuild, minified, gzip -9)\n');
const width = Math.max(...rows.map((r) => r.name.length));
console.log(`${'bundle'.padEnd(width)}  ${'minified'.padStart(10)}  ${'gzipped'.padStart(10)}  packages in it`);
for (const r of rows) {
  const pkgs = Object.entries(r.bytesByPackage)
    .sort((a, b) => b[1] - a[1])
    .map(([p, b]) => `${p} ${kB(b)}`)
    .join(', ');
  console.log(`${r.name.padEnd(width)}  ${kB(r.minified).padStart(10)}  ${kB(r.gzipped).padStart(10)}  ${pkgs}`);
}

for (const r of rows) {
  if (r.nodeBuiltins.length > 0) {
    console.log(`browser build: FAILED — the '${r.name}' browser bundle imports Node built-ins (${r.nodeBuiltins.join(', ')}); put them behind the package's 'browser' export condition (webgradBrowserTsupConfig in tsup.shared.ts)`);
    process.exitCode = 1;
  }
}

// tree-shaking: the tensor+add page needs core-tensor only
const shaken = rows[2];
// (autograd is expected: importing webgrad installs the autograd recorder, so
// `.backward()` works, and the umbrella's only code is its re-exports)
const pulled = Object.keys(shaken.bytesByPackage).filter((p) => !['core-tensor', 'autograd', 'webgrad', 'entry', 'third-party'].includes(p));
// and the other way round: a package marked side-effect free still registers
// its fused kernels when its layers are used (the registrations live in the
// module that exports the function calling them)
const lstm = rows[3];
const lstmCode = lstm.code;
if (!(lstm.bytesByPackage['layers-recurrent'] > 0) || !lstmCode.includes('"lstmCell"') && !lstmCode.includes("'lstmCell'")) {
  console.log("\ntree-shaking: FAILED — a page using LSTM lost the registration of the 'lstmCell' kernel");
  process.exitCode = 1;
}
if (pulled.length > 0) {
  console.log(`\ntree-shaking: FAILED — importing only tensor and add pulled code from ${pulled.join(', ')}`);
  process.exitCode = 1;
} else {
  console.log('\ntree-shaking: ok — importing only tensor and add from webgrad pulls core-tensor and autograd alone (no nn, no recurrent layers)');
}
