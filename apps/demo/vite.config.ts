import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { workspaceSourceAliases } from '../../vitest.shared';

const pages = [
  'index',
  'xor',
  'digits',
  'char-lstm',
  'rnn-vs-lstm',
  'vae',
  'diffusion-2d',
  'diffusion-digits',
  'gpt',
];

// The site imports the workspace packages from their sources (as the tests
// do), so `vite` and `vite build` need no prior build of the library.
export default defineConfig({
  root: __dirname,
  base: './',
  resolve: { alias: workspaceSourceAliases() },
  // training runs in module workers that share chunks and import the data lazily
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      input: Object.fromEntries(pages.map((p) => [p, resolve(__dirname, `${p}.html`)])),
    },
  },
});
