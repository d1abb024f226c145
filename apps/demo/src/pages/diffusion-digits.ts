import { mountDiffusionPage } from '../diffusion-page.js';

mountDiffusionPage('diffusion-digits');
