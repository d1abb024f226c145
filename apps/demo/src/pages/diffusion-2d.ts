import { mountDiffusionPage } from '../diffusion-page.js';

mountDiffusionPage(
  new Worker(new URL('../workers/diffusion-2d.worker.ts', import.meta.url), { type: 'module' }),
);
