import {
  arange, cast, div, eq, expand, logicalAnd, mul, prod, reshape, sum, where, argmax, argmin,
  type DType, type Tensor,
} from '@webgrad/core-tensor';
import { registerGradient } from '../gradient-registry.js';

/** dy reshaped so reduced axes have length 1, then broadcast back to the input shape. */
function restore(dy: Tensor, shape: readonly number[], axes: readonly number[]): Tensor {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return expand(reshape(dy, kept), shape);
}

registerGradient({
  op: 'sum',
  backward: ([dy], ctx) => [restore(dy!, ctx.inputShapes[0]!, ctx.attrs.axes as number[])],
});

registerGradient({
  op: 'prod',
  saveInputs: [0],
  saveOutputs: [0],
  backward: ([dy], ctx) => {
    // ∂/∂x_i Π x = Π_{j≠i} x_j, computed without dividing by zero
    const x = ctx.inputs[0]!;
    const axes = ctx.attrs.axes as number[];
    const shape = ctx.inputShapes[0]!;
    const isZero = eq(x, 0);
    const zeros = restore(sum(cast(isZero, 'int32'), axes, true), shape, axes);
    const safe = where(isZero, 1, x);
    const prodNonZero = restore(prod(safe, axes, true), shape, axes);
    const others = where(eq(zeros, 0), div(prodNonZero, safe), where(logicalAnd(eq(zeros, 1), isZero), prodNonZero, 0));
    return [mul(restore(dy!, shape, axes), others)];
  },
});

const extreme = (op: 'max' | 'min'): void =>
  registerGradient({
    op,
    saveInputs: [0],
    saveOutputs: [0],
    backward: ([dy], ctx) => {
      const x = ctx.inputs[0]!;
      const axes = ctx.attrs.axes as number[];
      const shape = ctx.inputShapes[0]!;
      const g = restore(dy!, shape, axes);
      if (ctx.attrs.evenTies) {
        // torch.max(x) / amax: shared evenly among all maximal elements
        const mask = cast(eq(x, restore(ctx.outputs[0]!, shape, axes)), dy!.dtype as DType);
        return [div(mul(g, mask), restore(sum(mask, axes, true), shape, axes))];
      }
      // torch.max(x, dim): all of it to the first maximal element
      const axis = axes[0]!;
      const idx = (op === 'max' ? argmax : argmin)(x, axis, true);
      const pos = reshape(
        arange(shape[axis]!, undefined, 1, { backend: x.backend.name }),
        shape.map((d, i) => (i === axis ? d : 1)),
      );
      return [where(eq(pos, idx), g, 0)];
    },
  });
extreme('max');
extreme('min');
