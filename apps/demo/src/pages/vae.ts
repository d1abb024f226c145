import { showPng } from '../pictures.js';
import { byId, mountWorkerPage } from '../worker-page.js';
import type { VaeView } from '../trainers/vae.js';

const legend = byId('legend');

mountWorkerPage<VaeView>({
  trainer: 'vae',
  async render(view) {
    legend.replaceChildren(
      ...view.classColours.map((colour, digit) => {
        const key = document.createElement('span');
        key.textContent = `■ ${digit}`;
        key.style.color = colour;
        return key;
      }),
    );
    if (view.terms !== null)
      byId('extra-status').textContent =
        `reconstruction ${view.terms.reconstruction.toFixed(2)} + KL ${view.terms.kl.toFixed(2)} nats`;
    await Promise.all(
      (['latentMap', 'interpolation', 'samples', 'manifold'] as const).map((name) =>
        showPng(byId<HTMLImageElement>(name), view[name]),
      ),
    );
  },
});
