import { gather, indexAdd, indexSelect, scatterAdd, sliceScatter, zeros, shapesEqual } from '@webgrad/core-tensor';
import { registerGradient } from '../gradient-registry.js';

// gather ↔ scatterAdd and indexSelect ↔ indexAdd are adjoint pairs.

registerGradient({
  op: 'gather',
  saveInputs: [1],
  backward: ([dy], ctx) => {
    const base = zeros(ctx.inputShapes[0]!, { dtype: dy!.dtype, backend: dy!.backend.name });
    return [scatterAdd(base, ctx.attrs.axis as number, ctx.inputs[1]!, dy!), null];
  },
});

registerGradient({
  op: 'scatterAdd',
  saveInputs: [1],
  backward: ([dy], ctx) => {
    const index = ctx.inputs[1]!;
    let dsrc = null;
    if (ctx.needsInputGrad[2]) {
      dsrc = gather(dy!, ctx.attrs.axis as number, index);
      const srcShape = ctx.inputShapes[2]!;
      // src may be larger than index; its unused part gets no gradient
      if (!shapesEqual(dsrc.shape, srcShape)) {
        dsrc = sliceScatter(zeros(srcShape, { dtype: dy!.dtype, backend: dy!.backend.name }), dsrc, { begin: srcShape.map(() => 0), step: srcShape.map(() => 1) });
      }
    }
    return [dy!, null, dsrc];
  },
});

registerGradient({
  op: 'indexSelect',
  saveInputs: [1],
  backward: ([dy], ctx) => {
    const base = zeros(ctx.inputShapes[0]!, { dtype: dy!.dtype, backend: dy!.backend.name });
    return [indexAdd(base, ctx.attrs.axis as number, ctx.inputs[1]!, dy!), null];
  },
});

registerGradient({
  op: 'indexAdd',
  saveInputs: [1],
  backward: ([dy], ctx) => [dy!, null, ctx.needsInputGrad[2] ? indexSelect(dy!, ctx.attrs.axis as number, ctx.inputs[1]!) : null],
});
