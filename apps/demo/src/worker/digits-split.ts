import { indexSelect, loadDigits, trainTestSplit, type Tensor } from 'webgrad';

/** The shipped 8×8 digits split 80 / 20 with seed 0 (1437 training images, 360 held out), as every digits page uses them. */
export function digitsSplit(): { xTrain: Tensor; yTrain: Tensor; xTest: Tensor; yTest: Tensor } {
  const { images, labels } = loadDigits();
  const { train, test } = trainTestSplit(images.shape[0]!, { testFraction: 0.2, seed: 0 });
  return {
    xTrain: indexSelect(images, 0, train),
    yTrain: indexSelect(labels, 0, train),
    xTest: indexSelect(images, 0, test),
    yTest: indexSelect(labels, 0, test),
  };
}
