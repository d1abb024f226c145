import { CharTokenizer, loadTinyShakespeare, type LmBatch, type Tensor } from 'webgrad';
import { trainStep, type StepOptimizer } from './serve-trainer.js';

/** The shipped tiny Shakespeare, its character vocabulary and the ids of its first `chars` characters. */
export async function shakespeareTokens(
  chars: number,
): Promise<{ tokenizer: CharTokenizer; tokens: number[] }> {
  const text = await loadTinyShakespeare();
  const tokenizer = CharTokenizer.fromText(text);
  return { tokenizer, tokens: tokenizer.encode(text.slice(0, chars)) };
}

/** One language-model step on the next batch of `batches` (freed afterwards); resolves to the loss. */
export async function lmTrainStep(
  batches: Iterator<LmBatch>,
  optimizer: StepOptimizer,
  lossOf: (inputs: Tensor, targets: Tensor) => Tensor,
): Promise<number[]> {
  const { inputs, targets } = batches.next().value as LmBatch;
  try {
    return [await trainStep(optimizer, () => lossOf(inputs, targets))];
  } finally {
    inputs.dispose();
    targets.dispose();
  }
}
