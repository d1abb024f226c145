import { byId, mountWorkerPage } from '../worker-page.js';
import type { DigitsView } from '../trainers/digits.js';

const canvas = byId<HTMLCanvasElement>('digits');

/** Each held-out digit (8 per row) with the network's guess under it: green when right, red when wrong. */
function drawGuesses({ accuracy, pixels, labels, predicted }: DigitsView): void {
  byId('extra-status').textContent = `held-out accuracy ${(100 * accuracy).toFixed(1)}%`;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const cell = 48;
  const px = 5;
  for (let k = 0; k < labels.length; k++) {
    const ox = (k % 8) * cell;
    const oy = Math.floor(k / 8) * (cell + 38);
    for (let i = 0; i < 64; i++) {
      const v = Math.round(255 * (1 - pixels[k * 64 + i]!));
      ctx.fillStyle = `rgb(${v},${v},${v})`;
      ctx.fillRect(ox + 4 + (i % 8) * px, oy + 4 + Math.floor(i / 8) * px, px, px);
    }
    ctx.fillStyle = predicted[k] === labels[k] ? '#1a7f37' : '#cf222e';
    ctx.font = 'bold 16px sans-serif';
    ctx.fillText(String(predicted[k]), ox + 16, oy + 64);
  }
}

mountWorkerPage<DigitsView>({
  trainer: 'digits',
  render: drawGuesses,
});
