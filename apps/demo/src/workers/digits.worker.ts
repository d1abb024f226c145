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
import { serveTrainer, trainStep } from '../worker/serve-trainer.js';

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

serveTrainer<DigitsView, Record<string, never>>(async () => {
  const { images, labels } = loadDigits();
  const { train, test } = trainTestSplit(images.shape[0]!, { testFraction: 0.2, seed: 0 });
  const xTrain = indexSelect(images, 0, train);
  const yTrain = indexSelect(labels, 0, train);
  const xTest = indexSelect(images, 0, test);
  const testPixels = Float32Array.from(await xTest.data(), Number);
  const testLabels = Int32Array.from(await indexSelect(labels, 0, test).data(), Number);
  let model: DigitsMlp;
  let optimizer: Adam;
  return {
    build() {
      manualSeed(0);
      model = new DigitsMlp();
      optimizer = new Adam(model.parameters(), { lr: 0.01 });
    },
    async step() {
      const loss = await trainStep(() => {
        optimizer.zeroGrad();
        const l = crossEntropy(model.forward(xTrain), yTrain);
        l.backward();
        optimizer.step();
        return l;
      });
      return [loss];
    },
    async view() {
      const guesses = noGrad(() => argmax(model.forward(xTest), 1));
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
});
