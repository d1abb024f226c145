import { concat, isGradEnabled, narrow, ShapeError, fmtShape, type Tensor } from '@webgrad/core-tensor';
import { noGrad, recordOp } from '@webgrad/autograd';

/**
 * Splits `x` [T, ...] into its T time steps, each [1, ...], as ONE autograd
 * node whose gradient is a single concatenation of the steps' gradients.
 * (Slicing step by step would give every step a gradient the size of the
 * whole sequence, so backpropagation through time would cost O(T²).)
 *
 * @example
 * ```ts
 * const steps = splitTimeSteps(xProjected); // T tensors of [1, B, 4H]
 * ```
 */
export function splitTimeSteps(x: Tensor): Tensor[] {
  x.assertAlive('splitTimeSteps');
  if (x.rank === 0) throw new ShapeError('splitTimeSteps', `expected a tensor with a time axis first, got shape ${fmtShape(x.shape)}`);
  const T = x.shape[0]!;
  const steps = noGrad(() =>
    Array.from({ length: T }, (_, t) => {
      const step = narrow(x, 0, t, 1);
      // a one-step sequence narrows to x itself; the step must be a tensor of its own
      return step === x ? x.clone() : step;
    }),
  );
  if (isGradEnabled() && x.requiresGrad && T > 0) {
    recordOp('splitTimeSteps', [x], steps, {}, (grads) => [concat(grads, 0)]);
  }
  return steps;
}
