import {
  Adam,
  Linear,
  Module,
  binaryCrossEntropyWithLogits,
  manualSeed,
  noGrad,
  sigmoid,
  tanh,
  tensor,
  tidy,
  type Tensor,
} from 'webgrad';
import { byId, mountTrainingPage } from '../training-page.js';

/** A 2-16-16-1 tanh MLP returning the logit of class 1. */
class XorMlp extends Module<[Tensor], Tensor> {
  l1 = new Linear(2, 16);
  l2 = new Linear(16, 16);
  l3 = new Linear(16, 1);

  forward(x: Tensor): Tensor {
    return this.l3.forward(tanh(this.l2.forward(tanh(this.l1.forward(x)))));
  }
}

/** Points uniform on [−1, 1]², labelled 1 where x·y < 0 (the XOR of the signs), from a seeded PRNG. */
function xorPoints(count: number, seed: number): { xy: number[][]; labels: number[][] } {
  let s = seed >>> 0;
  const next = (): number => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const xy: number[][] = [];
  const labels: number[][] = [];
  for (let i = 0; i < count; i++) {
    const p = [next() * 2 - 1, next() * 2 - 1];
    xy.push(p);
    labels.push([p[0]! * p[1]! < 0 ? 1 : 0]);
  }
  return { xy, labels };
}

const GRID = 48;
const points = xorPoints(256, 7);
const gridInputs: number[][] = [];
for (let r = 0; r < GRID; r++) {
  for (let c = 0; c < GRID; c++)
    gridInputs.push([((c + 0.5) / GRID) * 2 - 1, 1 - ((r + 0.5) / GRID) * 2]);
}

const boundary = byId<HTMLCanvasElement>('boundary');

let model: XorMlp;
let optimizer: Adam;
let x: Tensor | undefined;
let y: Tensor | undefined;
let grid: Tensor | undefined;

async function drawBoundary(): Promise<void> {
  const out = noGrad(() => tidy(() => sigmoid(model.forward(grid!))));
  const probs = await out.data();
  out.dispose();
  const ctx = boundary.getContext('2d')!;
  const { width, height } = boundary;
  const cell = width / GRID;
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const p = Number(probs[r * GRID + c]);
      // blue for class 0, orange for class 1, white on the boundary
      const red = Math.round(255 - (1 - p) * 120);
      const green = Math.round(255 - Math.abs(p - 0.5) * 150);
      const blue = Math.round(255 - p * 160);
      ctx.fillStyle = `rgb(${red},${green},${blue})`;
      ctx.fillRect(c * cell, r * cell, cell + 1, cell + 1);
    }
  }
  for (let i = 0; i < points.xy.length; i++) {
    const [px, py] = points.xy[i]!;
    ctx.beginPath();
    ctx.arc(((px! + 1) / 2) * width, ((1 - py!) / 2) * height, 3, 0, 2 * Math.PI);
    ctx.fillStyle = points.labels[i]![0] === 1 ? '#d35400' : '#1f5fa8';
    ctx.fill();
  }
}

void mountTrainingPage({
  build() {
    x ??= tensor(points.xy);
    y ??= tensor(points.labels);
    grid ??= tensor(gridInputs);
    manualSeed(0);
    model = new XorMlp();
    optimizer = new Adam(model.parameters(), { lr: 0.02 });
  },
  lossStep() {
    optimizer.zeroGrad();
    const loss = binaryCrossEntropyWithLogits(model.forward(x!), y!);
    loss.backward();
    optimizer.step();
    return loss;
  },
  redraw: drawBoundary,
});
