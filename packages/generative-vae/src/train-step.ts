import { stack, tidy, type Tensor } from '@webgrad/core-tensor';

/**
 * What a train step needs of an optimizer (every `@webgrad/optim` optimizer
 * has it): clear the gradients, apply one update.
 */
export interface StepOptimizer {
  /** Clears the gradients of the optimizer's parameters. */
  zeroGrad(): void;
  /** Applies one update from the current gradients. */
  step(): void;
}

/**
 * One optimisation step: clears the gradients, computes the loss terms,
 * backpropagates the first (the total loss), updates, and reads every term
 * back as a number with one readback (works on every backend). Every
 * intermediate tensor is freed.
 */
export async function runTrainStep(
  optimizer: StepOptimizer,
  lossTerms: () => readonly Tensor[],
): Promise<number[]> {
  const values = tidy(() => {
    optimizer.zeroGrad();
    const terms = lossTerms();
    terms[0]!.backward();
    optimizer.step();
    return stack(terms.map((t) => t.detach()));
  });
  const data = await values.data();
  values.dispose();
  return Array.from(data);
}
