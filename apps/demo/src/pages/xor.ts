import { byId, mountWorkerPage } from '../worker-page.js';
import type { XorView } from '../trainers/xor.js';

const boundary = byId<HTMLCanvasElement>('boundary');

/** The probability of class 1 as the background (blue 0, orange 1, white on the boundary) and the points. */
function drawBoundary({ grid, probs, points, labels }: XorView): void {
  const ctx = boundary.getContext('2d')!;
  const { width, height } = boundary;
  const cell = width / grid;
  for (let r = 0; r < grid; r++) {
    for (let c = 0; c < grid; c++) {
      const p = probs[r * grid + c]!;
      const red = Math.round(255 - (1 - p) * 120);
      const green = Math.round(255 - Math.abs(p - 0.5) * 150);
      const blue = Math.round(255 - p * 160);
      ctx.fillStyle = `rgb(${red},${green},${blue})`;
      ctx.fillRect(c * cell, r * cell, cell + 1, cell + 1);
    }
  }
  points.forEach(([px, py], i) => {
    ctx.beginPath();
    ctx.arc(((px! + 1) / 2) * width, ((1 - py!) / 2) * height, 3, 0, 2 * Math.PI);
    ctx.fillStyle = labels[i] === 1 ? '#d35400' : '#1f5fa8';
    ctx.fill();
  });
}

mountWorkerPage<XorView>({
  trainer: 'xor',
  render: drawBoundary,
});
