import {
  Adam,
  Linear,
  Module,
  argmax,
  crossEntropy,
  indexSelect,
  loadDigits,
  manualSeed,
  noGrad,
  relu,
  trainTestSplit,
  type Tensor,
} from 'webgrad';
import { byId, mountTrainingPage } from '../training-page.js';

/** 64 pixels → 64 ReLU units → 10 class logits. */
class DigitsMlp extends Module<[Tensor], Tensor> {
  hidden = new Linear(64, 64);
  output = new Linear(64, 10);

  forward(x: Tensor): Tensor {
    return this.output.forward(relu(this.hidden.forward(x)));
  }
}

const SHOWN = 24; // held-out digits drawn, 8 × 3
const canvas = byId<HTMLCanvasElement>('digits');

let data:
  | {
      xTrain: Tensor;
      yTrain: Tensor;
      xTest: Tensor;
      yTest: Tensor;
      testPixels: Float32Array;
      testLabels: Int32Array;
    }
  | undefined;
let model: DigitsMlp;
let optimizer: Adam;

async function loadData(): Promise<void> {
  const { images, labels } = loadDigits();
  const { train, test } = trainTestSplit(images.shape[0]!, { testFraction: 0.2, seed: 0 });
  const xTest = indexSelect(images, 0, test);
  const yTest = indexSelect(labels, 0, test);
  data = {
    xTrain: indexSelect(images, 0, train),
    yTrain: indexSelect(labels, 0, train),
    xTest,
    yTest,
    testPixels: Float32Array.from(await xTest.data(), Number),
    testLabels: Int32Array.from(await yTest.data(), Number),
  };
}

async function redraw(): Promise<void> {
  const d = data!;
  const predictedTensor = noGrad(() => argmax(model.forward(d.xTest), 1));
  const predicted = Array.from(await predictedTensor.data(), Number);
  predictedTensor.dispose();
  const correct = predicted.filter((p, i) => p === d.testLabels[i]).length;
  byId('extra-status').textContent =
    `held-out accuracy ${((100 * correct) / predicted.length).toFixed(1)}%`;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const cell = 48;
  const px = 5;
  for (let k = 0; k < SHOWN; k++) {
    const ox = (k % 8) * cell;
    const oy = Math.floor(k / 8) * (cell + 38);
    for (let i = 0; i < 64; i++) {
      const v = Math.round(255 * (1 - d.testPixels[k * 64 + i]!));
      ctx.fillStyle = `rgb(${v},${v},${v})`;
      ctx.fillRect(ox + 4 + (i % 8) * px, oy + 4 + Math.floor(i / 8) * px, px, px);
    }
    ctx.fillStyle = predicted[k] === d.testLabels[k] ? '#1a7f37' : '#cf222e';
    ctx.font = 'bold 16px sans-serif';
    ctx.fillText(String(predicted[k]), ox + 16, oy + 64);
  }
}

await loadData();
void mountTrainingPage({
  build() {
    manualSeed(0);
    model = new DigitsMlp();
    optimizer = new Adam(model.parameters(), { lr: 0.01 });
  },
  lossStep() {
    optimizer.zeroGrad();
    const loss = crossEntropy(model.forward(data!.xTrain), data!.yTrain);
    loss.backward();
    optimizer.step();
    return loss;
  },
  redraw,
  redrawEvery: 10,
});
