import {
  Adam,
  Linear,
  Module,
  argmax,
  crossEntropy,
  manualSeed,
  noGrad,
  relu,
  tidy,
  type Tensor,
} from 'webgrad';
import { digitsSplit } from '../worker/digits-split.js';
import { trainStep, type Trainer } from '../worker/serve-trainer.js';

/** 64 pixels → 64 ReLU units → 10 class logits. */
class DigitsMlp extends Module<[Tensor], Tensor> {
  hidden = new Linear(64, 64);
  output = new Linear(64, 10);

  forward(x: Tensor): Tensor {
    return this.output.forward(relu(this.hidden.forward(x)));
  }
}

/** The digits page's picture: held-out accuracy and the first `shown` held-out digits with the guesses. */
export interface DigitsView {
  accuracy: number;
  pixels: Float32Array;
  labels: Int32Array;
  predicted: Int32Array;
}

const SHOWN = 24;

/** The page's trainer, created by the training worker (`src/worker/training.worker.ts`). */
export async function createTrainer(): Promise<Trainer<DigitsView, Record<string, never>>> {
  const { xTrain, yTrain, xTest, yTest } = digitsSplit();
  const testPixels = Float32Array.from(await xTest.data(), Number);
  const testLabels = Int32Array.from(await yTest.data(), Number);
  let model: DigitsMlp;
  let optimizer: Adam;
  return {
    build() {
      manualSeed(0);
      model = new DigitsMlp();
      optimizer = new Adam(model.parameters(), { lr: 0.01 });
    },
    async step() {
      const loss = await trainStep(optimizer, () => crossEntropy(model.forward(xTrain), yTrain));
      return [loss];
    },
    async view() {
      const guesses = noGrad(() => tidy(() => argmax(model.forward(xTest), 1)));
      const predicted = Int32Array.from(await guesses.data(), Number);
      guesses.dispose();
      const correct = predicted.filter((p, i) => p === testLabels[i]).length;
      return {
        accuracy: correct / predicted.length,
        pixels: testPixels.slice(0, SHOWN * 64),
        labels: testLabels.slice(0, SHOWN),
        predicted: predicted.slice(0, SHOWN),
      };
    },
    viewEvery: 10,
  };
}
