import { exp, mul, sub, sum } from '@webgrad/core-tensor';
import { registerGradient } from '../gradient-registry.js';

registerGradient({
  op: 'softmax',
  saveOutputs: [0],
  backward: ([dy], ctx) => {
    // ∂L/∂x = y ⊙ (dy − Σ dy ⊙ y)
    const y = ctx.outputs[0]!;
    const axis = ctx.attrs.axis as number;
    return [mul(y, sub(dy!, sum(mul(dy!, y), axis, true)))];
  },
});

registerGradient({
  op: 'logSoftmax',
  saveOutputs: [0],
  backward: ([dy], ctx) => {
    // ∂L/∂x = dy − softmax(x) · Σ dy
    const y = ctx.outputs[0]!;
    const axis = ctx.attrs.axis as number;
    return [sub(dy!, mul(exp(y), sum(dy!, axis, true)))];
  },
});
