import { indexSelect, type Tensor } from '@webgrad/core-tensor';
import { loadDigits, trainTestSplit } from '@webgrad/data';

/** The shipped 8×8 digits, flattened to [N, 64] with values in [0, 1], split into training and test images. */
export interface DigitsSplit {
  /** Training images [N_train, 64]. */
  xTrain: Tensor;
  /** Training labels [N_train]. */
  yTrain: Tensor;
  /** Test images [N_test, 64]. */
  xTest: Tensor;
  /** Test labels [N_test]. */
  yTest: Tensor;
}

/** The digits split seeded by `seed`, `testFraction` of them held out, on `backend`. */
export function digitsSplit(seed: number, testFraction: number, backend: string): DigitsSplit {
  const { images, labels } = loadDigits({ backend });
  const n = images.shape[0]!;
  const flat = images.reshape([n, 64]);
  const split = trainTestSplit(n, { testFraction, seed, backend });
  return {
    xTrain: indexSelect(flat, 0, split.train),
    yTrain: indexSelect(labels, 0, split.train),
    xTest: indexSelect(flat, 0, split.test),
    yTest: indexSelect(labels, 0, split.test),
  };
}
