import {
  add, cast, isFloatDType, cos, div, eq, exp, gt, ge, le, logicalAnd, log, mul, neg, pow, sigmoid, sin, sub, sumTo, where, zerosLike, square, erf, tanh,
  type DType, type Tensor,
} from '@webgrad/core-tensor';
import { registerGradient } from '../gradient-registry.js';

// Gradients of the elementwise table's ops, written with tensor ops so they
// can be differentiated again. Binary ops undo broadcasting with sumTo.

const unary = (op: string, saveInputs: number[], saveOutputs: number[], f: (dy: Tensor, x: Tensor, y: Tensor, a: number, b: number) => Tensor): void =>
  registerGradient({
    op,
    saveInputs,
    saveOutputs,
    backward: ([dy], ctx) => [f(dy!, ctx.inputs[0]!, ctx.outputs[0]!, Number(ctx.attrs.a ?? 0), Number(ctx.attrs.b ?? 0))],
  });

const SQRT_2_OVER_PI = 0.7978845608028654;
const INV_SQRT_2PI = 0.3989422804014327;

unary('neg', [], [], (dy) => neg(dy));
unary('abs', [0], [], (dy, x) => mul(dy, x.sign()));
unary('sign', [0], [], (_dy, x) => zerosLike(x));
unary('square', [0], [], (dy, x) => mul(dy, mul(x, 2)));
unary('exp', [], [0], (dy, _x, y) => mul(dy, y));
unary('log', [0], [], (dy, x) => div(dy, x));
unary('log1p', [0], [], (dy, x) => div(dy, add(x, 1)));
unary('expm1', [], [0], (dy, _x, y) => mul(dy, add(y, 1)));
unary('sqrt', [], [0], (dy, _x, y) => div(dy, mul(y, 2)));
unary('rsqrt', [], [0], (dy, _x, y) => mul(dy, mul(pow(y, 3), -0.5)));
unary('reciprocal', [], [0], (dy, _x, y) => neg(mul(dy, square(y))));
unary('sin', [0], [], (dy, x) => mul(dy, cos(x)));
unary('cos', [0], [], (dy, x) => neg(mul(dy, sin(x))));
unary('tanh', [], [0], (dy, _x, y) => mul(dy, sub(1, square(y))));
unary('sigmoid', [], [0], (dy, _x, y) => mul(dy, mul(y, sub(1, y))));
unary('relu', [0], [], (dy, x) => where(gt(x, 0), dy, 0));
unary('leakyRelu', [0], [], (dy, x, _y, slope) => where(gt(x, 0), dy, mul(dy, slope)));
unary('elu', [0], [], (dy, x, _y, alpha) => where(gt(x, 0), dy, mul(dy, mul(exp(x), alpha))));
unary('gelu', [0], [], (dy, x, _y, approx) => {
  if (approx === 0) {
    // d/dx x·Φ(x) = Φ(x) + x·φ(x)
    const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5);
    const pdf = mul(exp(mul(square(x), -0.5)), INV_SQRT_2PI);
    return mul(dy, add(cdf, mul(x, pdf)));
  }
  const inner = mul(add(x, mul(pow(x, 3), 0.044715)), SQRT_2_OVER_PI);
  const t = tanh(inner);
  const dInner = mul(add(mul(square(x), 3 * 0.044715), 1), SQRT_2_OVER_PI);
  const d = add(mul(add(t, 1), 0.5), mul(mul(mul(x, 0.5), sub(1, square(t))), dInner));
  return mul(dy, d);
});
unary('softplus', [0], [], (dy, x, _y, beta, threshold) => where(gt(mul(x, beta), threshold), dy, mul(dy, sigmoid(mul(x, beta)))));
unary('silu', [0], [], (dy, x) => {
  const s = sigmoid(x);
  return mul(dy, add(s, mul(mul(x, s), sub(1, s))));
});
unary('erf', [0], [], (dy, x) => mul(dy, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI))));
unary('clamp', [0], [], (dy, x, _y, lo, hi) => where(logicalAnd(ge(x, lo), le(x, hi)), dy, 0));
for (const op of ['floor', 'ceil', 'round']) unary(op, [0], [], (_dy, x) => zerosLike(x));

const binary = (op: string, saveInputs: number[], saveOutputs: number[], f: (dy: Tensor, a: Tensor, b: Tensor, y: Tensor, need: readonly boolean[]) => [Tensor | null, Tensor | null]): void =>
  registerGradient({
    op,
    saveInputs,
    saveOutputs,
    backward: ([dy], ctx) => {
      const [ga, gb] = f(dy!, ctx.inputs[0]!, ctx.inputs[1]!, ctx.outputs[0]!, ctx.needsInputGrad);
      return [ga && sumTo(ga, ctx.inputShapes[0]!), gb && sumTo(gb, ctx.inputShapes[1]!)];
    },
  });

binary('add', [], [], (dy) => [dy, dy]);
binary('sub', [], [], (dy, _a, _b, _y, need) => [dy, need[1] ? neg(dy) : null]);
binary('mul', [0, 1], [], (dy, a, b, _y, need) => [need[0] ? mul(dy, b) : null, need[1] ? mul(dy, a) : null]);
binary('div', [0, 1], [], (dy, a, b, _y, need) => [need[0] ? div(dy, b) : null, need[1] ? neg(div(mul(dy, a), square(b))) : null]);
binary('pow', [0, 1], [0], (dy, a, b, y, need) => [
  // PyTorch: the base gets 0 where the exponent is 0 (avoids 0·0⁻¹ = NaN)
  need[0] ? where(eq(b, 0), 0, mul(dy, mul(b, pow(a, sub(b, 1))))) : null,
  // and the exponent gets 0 where the base is 0 and the exponent non-negative
  need[1] ? where(logicalAnd(eq(a, 0), ge(b, 0)), 0, mul(dy, mul(y, log(a)))) : null,
]);
const extremum = (op: string, pick: (a: Tensor, b: Tensor) => Tensor): void =>
  binary(op, [0, 1], [], (dy, a, b, _y, need) => {
    // ties share the gradient equally, as in PyTorch
    const tie = cast(eq(a, b), dy.dtype as DType);
    const aWins = cast(pick(a, b), dy.dtype as DType);
    const half = mul(tie, 0.5);
    return [need[0] ? mul(dy, add(aWins, half)) : null, need[1] ? mul(dy, sub(sub(1, aWins), half)) : null];
  });
extremum('maximum', (a, b) => gt(a, b));
extremum('minimum', (a, b) => gt(b, a));

registerGradient({
  op: 'where',
  saveInputs: [0],
  backward: ([dy], ctx) => {
    const c = ctx.inputs[0]!;
    return [
      null,
      ctx.needsInputGrad[1] ? sumTo(where(c, dy!, 0), ctx.inputShapes[1]!) : null,
      ctx.needsInputGrad[2] ? sumTo(where(c, 0, dy!), ctx.inputShapes[2]!) : null,
    ];
  },
});

registerGradient({
  op: 'cast',
  backward: ([dy], ctx) => {
    const from = ctx.inputDTypes[0] as DType;
    return [isFloatDType(from) ? cast(dy!, from) : null];
  },
});
