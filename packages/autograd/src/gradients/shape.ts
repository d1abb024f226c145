import {
  batchMatmul, fold, permute, reshape, sliceScatter, sliceWindow, split, sumTo, unfold, zeros, flip, cumsum,
  type Pair, type Tensor,
} from '@webgrad/core-tensor';
import { registerGradient } from '../gradient-registry.js';

// Gradients of data-movement ops: each is the adjoint movement.

for (const op of ['reshape', 'identity', 'copy']) {
  registerGradient({ op, backward: ([dy], ctx) => [reshape(dy!, ctx.inputShapes[0]!)] });
}

registerGradient({ op: 'expand', backward: ([dy], ctx) => [sumTo(dy!, ctx.inputShapes[0]!)] });

registerGradient({
  op: 'permute',
  backward: ([dy], ctx) => {
    const perm = ctx.attrs.axes as number[];
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => (inv[p] = i));
    return [permute(dy!, inv)];
  },
});

registerGradient({
  op: 'slice',
  backward: ([dy], ctx) => {
    const base = zeros(ctx.inputShapes[0]!, { dtype: dy!.dtype, backend: dy!.backend.name });
    return [sliceScatter(base, dy!, { begin: ctx.attrs.begin as number[], step: ctx.attrs.step as number[] })];
  },
});

registerGradient({
  op: 'sliceScatter',
  backward: ([dy], ctx) => {
    const w = { begin: ctx.attrs.begin as number[], step: ctx.attrs.step as number[] };
    const srcShape = ctx.inputShapes[1]!;
    return [
      ctx.needsInputGrad[0] ? sliceScatter(dy!, zeros(srcShape, { dtype: dy!.dtype, backend: dy!.backend.name }), w) : null,
      ctx.needsInputGrad[1] ? sliceWindow(dy!, { ...w, shape: srcShape.slice() }) : null,
    ];
  },
});

registerGradient({
  op: 'concat',
  backward: ([dy], ctx) => {
    const axis = ctx.attrs.axis as number;
    return split(dy!, ctx.inputShapes.map((s) => s[axis]!), axis);
  },
});

registerGradient({
  op: 'cumsum',
  backward: ([dy], ctx) => {
    const axis = ctx.attrs.axis as number;
    return [flip(cumsum(flip(dy!, axis), axis), axis)];
  },
});

registerGradient({
  op: 'matmul',
  saveInputs: [0, 1],
  backward: ([dy], ctx) => {
    // C = op(A)·op(B); transposed operands stay virtual in the gradient too
    const a = ctx.inputs[0]!;
    const b = ctx.inputs[1]!;
    const tA = ctx.attrs.transposeA as boolean;
    const tB = ctx.attrs.transposeB as boolean;
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (ctx.needsInputGrad[0]) {
      da = tA ? batchMatmul(b, dy!, tB, true) : batchMatmul(dy!, b, false, !tB);
      da = sumTo(da, ctx.inputShapes[0]!);
    }
    if (ctx.needsInputGrad[1]) {
      db = tB ? batchMatmul(dy!, a, true, tA) : batchMatmul(a, dy!, !tA, false);
      db = sumTo(db, ctx.inputShapes[1]!);
    }
    return [da, db];
  },
});

function geometry(ctx: { attrs: Readonly<Record<string, unknown>> }): { stride: Pair; padding: Pair; dilation: Pair; kernel: Pair } {
  return {
    stride: ctx.attrs.stride as [number, number],
    padding: ctx.attrs.padding as [number, number],
    dilation: ctx.attrs.dilation as [number, number],
    kernel: ctx.attrs.kernel as [number, number],
  };
}

registerGradient({
  op: 'unfold',
  backward: ([dy], ctx) => {
    const g = geometry(ctx);
    const s = ctx.inputShapes[0]!;
    return [fold(dy!, [s[2]!, s[3]!], g.kernel, g)];
  },
});

registerGradient({
  op: 'fold',
  backward: ([dy], ctx) => {
    const g = geometry(ctx);
    return [unfold(dy!, g.kernel, g)];
  },
});

