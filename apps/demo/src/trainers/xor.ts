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
import { trainStep, type Trainer } from '../worker/serve-trainer.js';

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

/** The XOR page's picture: p(class 1) on a GRID × GRID grid over [−1, 1]², and the training points. */
export interface XorView {
  grid: number;
  probs: Float32Array;
  points: number[][];
  labels: number[];
}

const GRID = 48;
const points = xorPoints(256, 7);
const gridInputs: number[][] = [];
for (let r = 0; r < GRID; r++) {
  for (let c = 0; c < GRID; c++)
    gridInputs.push([((c + 0.5) / GRID) * 2 - 1, 1 - ((r + 0.5) / GRID) * 2]);
}

/** The page's trainer, created by the training worker (`src/worker/training.worker.ts`). */
export function createTrainer(): Trainer<XorView, Record<string, never>> {
  const x = tensor(points.xy);
  const y = tensor(points.labels);
  const grid = tensor(gridInputs);
  let model: XorMlp;
  let optimizer: Adam;
  return {
    build() {
      manualSeed(0);
      model = new XorMlp();
      optimizer = new Adam(model.parameters(), { lr: 0.02 });
    },
    async step() {
      const loss = await trainStep(optimizer, () =>
        binaryCrossEntropyWithLogits(model.forward(x), y),
      );
      return [loss];
    },
    async view() {
      const out = noGrad(() => tidy(() => sigmoid(model.forward(grid))));
      const probs = Float32Array.from(await out.data(), Number);
      out.dispose();
      return { grid: GRID, probs, points: points.xy, labels: points.labels.map((l) => l[0]!) };
    },
    viewEvery: 5,
  };
}
