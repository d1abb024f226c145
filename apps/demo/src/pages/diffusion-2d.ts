import { mountDiffusionPage } from '../diffusion-page.js';

mountDiffusionPage('diffusion-2d');
