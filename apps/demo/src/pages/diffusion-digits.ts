import { mountDiffusionPage } from '../diffusion-page.js';

mountDiffusionPage(
  new Worker(new URL('../workers/diffusion-digits.worker.ts', import.meta.url), {
    type: 'module',
  }),
);
