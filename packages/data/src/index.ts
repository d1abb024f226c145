/**
 * @packageDocumentation
 * Data for webgrad: the data sets shipped with the project (the 8x8
 * handwritten digits and tiny Shakespeare, nothing downloaded at run time),
 * seeded splits and resumable mini-batch iteration, character and byte-pair
 * tokenizers, language-model batching, and seeded synthetic tasks for
 * recurrent, transformer and diffusion models, and pictures: image grids,
 * scatter plots and PNG encoding for every model family.
 */
export {
  loadDigits,
  digitsArrays,
  type Digits,
  type DigitsArrays,
  type LoadDigitsOptions,
} from './digits.js';
export { loadTinyShakespeare } from './tiny-shakespeare.js';
export {
  trainTestSplit,
  type TrainTestSplit,
  type TrainTestSplitOptions,
} from './train-test-split.js';
export {
  trainValidationSplit,
  type TrainValidationSplit,
  type TrainValidationSplitOptions,
  type Sliceable,
} from './train-validation-split.js';
export { seededPermutation } from './seeded-permutation.js';
export {
  batches,
  epochOrder,
  numBatches,
  DataLoader,
  type Batch,
  type BatchOptions,
  type BatchPosition,
  type EpochBatchOptions,
} from './batches.js';
export {
  CharTokenizer,
  type CharTokenizerOptions,
  type CharEncodeOptions,
  type CharTokenizerJSON,
} from './char-tokenizer.js';
export {
  BpeTokenizer,
  GPT2_SPLIT_PATTERN,
  type BpeTrainOptions,
  type BpeTokenizerJSON,
} from './bpe-tokenizer.js';
export {
  lmBatches,
  lmStreamBatches,
  lmStreamBatchCount,
  type LmBatch,
  type LmBatchOptions,
  type LmStreamBatchOptions,
} from './lm-batches.js';
export type { SyntheticOptions } from './seeded-draws.js';
export { addingProblem, type AddingProblem, type AddingProblemOptions } from './adding-problem.js';
export { copyTask, type CopyTask, type CopyTaskOptions } from './copy-task.js';
export {
  digitSeq2Seq,
  DIGIT_SEQ_VOCAB,
  type DigitSeq2Seq,
  type DigitSeq2SeqOptions,
} from './digit-seq2seq.js';
export {
  runningSumSign,
  type RunningSumSign,
  type RunningSumSignOptions,
} from './running-sum-sign.js';
export { twoMoons, type TwoMoonsOptions, type LabelledPoints } from './two-moons.js';
export { swissRoll, type SwissRoll, type SwissRollOptions } from './swiss-roll.js';
export {
  createRgbaImage,
  fillBlock,
  type RgbaImage,
  type Rgb,
} from './rgba-image.js';
export {
  imageGrid,
  tensorImageGrid,
  imageBatchLayout,
  type ImageGridOptions,
  type TensorImageGridOptions,
  type ImageBatchLayout,
} from './image-grid.js';
export {
  scatterImage,
  CATEGORICAL_PALETTE,
  type ScatterImageOptions,
  type PlotBounds,
} from './scatter-image.js';
export { encodePng } from './png.js';
export { writePng } from './png-file.js';
