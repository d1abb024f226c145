import { showPng } from './pictures.js';
import { byId, mountWorkerPage } from './worker-page.js';
import type { DiffusionRequests, DiffusionView } from './worker/diffusion-trainer.js';

/** Pause between animation frames, ms. */
const FRAME_MS = 60;

/**
 * The page of a diffusion model (`src/worker/diffusion-trainer.ts` behind
 * `src/trainers/<trainer>.ts`): the training frame with a live DDIM preview, and a `#sample`
 * button that draws a DDPM sampling run and plays it from z_T to z_0 in
 * `#frame`, with the whole sequence in `#strip`.
 */
export function mountDiffusionPage(trainer: string): void {
  const panels = document.querySelector('.panels')!;
  panels.innerHTML = `
    <figure>
      <img id="preview" alt="samples while it trains" />
      <figcaption>While it trains: a 10-step DDIM sample, redrawn every 50 steps.</figcaption>
    </figure>
    <figure>
      <button id="sample">sample</button>
      <img id="frame" alt="the sampling run, frame by frame" />
      <figcaption id="frame-label">Press sample to watch z_T → z_0.</figcaption>
    </figure>`;
  const strip = document.createElement('figure');
  strip.className = 'wide';
  strip.innerHTML = `
    <img id="strip" alt="the whole sampling run" />
    <figcaption>The run at a few evenly spaced steps, z_T on the left, z_0 on the right.</figcaption>`;
  panels.after(strip);
  const page = mountWorkerPage<DiffusionView, DiffusionRequests>({
    trainer,
    render: ({ preview }) => showPng(byId<HTMLImageElement>('preview'), preview),
  });
  const button = byId<HTMLButtonElement>('sample');
  const label = byId('frame-label');
  let seed = 0;
  button.onclick = async () => {
    button.disabled = true;
    label.textContent = 'sampling…';
    try {
      const { frames, timesteps, strip } = await page.request('sample', { seed: seed++ });
      await showPng(byId<HTMLImageElement>('strip'), strip);
      for (let i = 0; i < frames.length; i++) {
        await showPng(byId<HTMLImageElement>('frame'), frames[i]!);
        const last = frames.length - 1;
        label.textContent =
          i === 0
            ? `z_T: pure noise (T = ${timesteps[0]} steps to go)`
            : `after step ${i} of ${last} (t = ${timesteps[i]})${i === last ? ': z_0, the samples' : ''}`;
        page.state.frames++;
        await new Promise((resolve) => setTimeout(resolve, FRAME_MS));
      }
    } finally {
      button.disabled = false;
    }
  };
}
