import { tensor, type Tensor } from '@webgrad/core-tensor';
import { DIGITS_COUNT, DIGITS_ENCODED } from './digits-data.js';

/** The 8x8 handwritten digits as tensors. */
export interface Digits {
  /** Pixel intensities in [0, 1] (the original 0..16 divided by 16), float32 [1797, 64], each row an 8x8 image in row-major order. */
  images: Tensor;
  /** The digit each image shows, int32 [1797], values 0..9. */
  labels: Tensor;
  /** Number of classes (10). */
  numClasses: number;
  /** Height and width of one image, [8, 8]. */
  imageShape: [number, number];
}

/** Options of `loadDigits`. */
export interface LoadDigitsOptions {
  /** Backend for the returned tensors (default: the active backend). */
  backend?: string;
}

/** Raw digits as typed arrays: pixels 0..16 and labels 0..9. */
export interface DigitsArrays {
  /** 1797 × 64 pixel counts, 0..16, row-major. */
  pixels: Uint8Array;
  /** 1797 labels, 0..9. */
  labels: Int32Array;
}

const PIXELS = 64;

/**
 * Loads the 8x8 handwritten digits shipped with the package: the test set of
 * UCI's "Optical Recognition of Handwritten Digits" (Alpaydin & Kaynak, 1998)
 * as scikit-learn redistributes it, 1797 images of 10 classes. Nothing is
 * downloaded; the data is part of the package and loads synchronously in Node
 * and in browsers.
 *
 * @example
 * ```ts
 * import { loadDigits, trainTestSplit } from '@webgrad/data';
 * import { indexSelect } from '@webgrad/core-tensor';
 * const { images, labels } = loadDigits();          // [1797, 64] float32, [1797] int32
 * const { train, test } = trainTestSplit(1797, { testFraction: 0.2, seed: 0 });
 * const xTrain = indexSelect(images, 0, train);     // [1437, 64]
 * ```
 */
export function loadDigits(options: LoadDigitsOptions = {}): Digits {
  const { pixels, labels } = digitsArrays();
  const scaled = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) scaled[i] = pixels[i]! / 16;
  const backend = options.backend !== undefined ? { backend: options.backend } : {};
  return {
    images: tensor(scaled, { shape: [DIGITS_COUNT, PIXELS], ...backend }),
    labels: tensor(labels, { shape: [DIGITS_COUNT], ...backend }),
    numClasses: 10,
    imageShape: [8, 8],
  };
}

/**
 * The digits as typed arrays (pixels as the original integers 0..16), for
 * code that does not want tensors.
 */
export function digitsArrays(): DigitsArrays {
  const pixels = new Uint8Array(DIGITS_COUNT * PIXELS);
  const labels = new Int32Array(DIGITS_COUNT);
  const a = 'a'.charCodeAt(0);
  const zero = '0'.charCodeAt(0);
  for (let r = 0; r < DIGITS_COUNT; r++) {
    const base = r * (PIXELS + 1);
    for (let i = 0; i < PIXELS; i++)
      pixels[r * PIXELS + i] = DIGITS_ENCODED.charCodeAt(base + i) - a;
    labels[r] = DIGITS_ENCODED.charCodeAt(base + PIXELS) - zero;
  }
  return { pixels, labels };
}
