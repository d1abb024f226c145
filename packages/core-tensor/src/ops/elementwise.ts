import { runKernel1 } from '../dispatch.js';
import { assertDType, isFloatDType, promoteTypes, type DType } from '../dtype.js';
import { binaryOpDef, unaryOpDef, type ElementwiseInputKind } from '../elementwise-table.js';
import { ArgumentError, DTypeError } from '../errors.js';
import { broadcastShapes, shapesEqual } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { asTensor, scalarDType } from './operand.js';

/** The dtype an elementwise op computes in, for inputs of dtype `d`. */
function computeDType(kind: ElementwiseInputKind, d: DType): DType {
  if (kind === 'float') return isFloatDType(d) ? d : 'float32';
  if (kind === 'numeric') return d === 'bool' ? 'int32' : d;
  return d;
}

/** Runs a unary op of the elementwise table. */
export function unaryOp(name: string, x: TensorLike, a = 0, b = 0): Tensor {
  const def = unaryOpDef(name)!;
  const xt = asTensor(name, x, typeof x === 'boolean' ? 'bool' : 'float32');
  const dt = computeDType(def.input, xt.dtype);
  const xin = xt.dtype === dt ? xt : cast(xt, dt);
  return runKernel1(name, [xin], { a, b });
}

/** Arithmetic ops that stay bool on two bool operands, and the logical op they become. */
const BOOL_ARITHMETIC: Readonly<Record<string, string>> = { add: 'logicalOr', maximum: 'logicalOr', mul: 'logicalAnd', minimum: 'logicalAnd' };

/** Runs a binary op of the elementwise table, with broadcasting and type promotion. */
export function binaryOp(name: string, x: TensorLike, y: TensorLike): Tensor {
  const def = binaryOpDef(name)!;
  if (!(x instanceof Tensor) && !(y instanceof Tensor)) {
    x = asTensor(name, x, typeof x === 'boolean' ? 'bool' : 'float32');
  }
  const xt = x instanceof Tensor ? x : asTensor(name, x, scalarDType(x, (y as Tensor).dtype), y as Tensor);
  const yt = y instanceof Tensor ? y : asTensor(name, y, scalarDType(y, xt.dtype), xt);
  xt.assertAlive(name);
  yt.assertAlive(name);
  // equal shapes and single-element operands always broadcast: only the others need checking
  if (xt.size !== 1 && yt.size !== 1 && !shapesEqual(xt.shape, yt.shape)) broadcastShapes(name, xt.shape, yt.shape);
  if (xt.dtype === 'bool' && yt.dtype === 'bool') {
    // PyTorch keeps bool ⊕ bool in bool: + and maximum are "or", · and minimum are "and"
    const logical = BOOL_ARITHMETIC[name];
    if (logical !== undefined) return runKernel1(logical, [xt, yt]);
    if (name === 'sub') throw new DTypeError('sub', 'subtracting two bool tensors is not supported; use logicalAnd, logicalOr or logicalNot instead');
  }
  const dt = computeDType(def.input, promoteTypes(xt.dtype, yt.dtype));
  return runKernel1(name, [xt.dtype === dt ? xt : cast(xt, dt), yt.dtype === dt ? yt : cast(yt, dt)]);
}

/** Converts `x` to `dtype` (float to int truncates toward zero; anything to bool is `!= 0`). */
export function cast(x: Tensor, dtype: DType): Tensor {
  x.assertAlive('cast');
  assertDType('cast', dtype);
  if (x.dtype === dtype) return x;
  return runKernel1('cast', [x], { dtype });
}

/**
 * Picks from `x` where `condition` is true, else from `y`, with broadcasting
 * over all three (`torch.where`).
 */
export function where(condition: TensorLike, x: TensorLike, y: TensorLike): Tensor {
  const like = [condition, x, y].find((v): v is Tensor => v instanceof Tensor);
  const c = asTensor('where', condition, 'bool', like);
  const xt = x instanceof Tensor ? x : asTensor('where', x, y instanceof Tensor ? scalarDType(x, y.dtype) : 'float32', like);
  const yt = y instanceof Tensor ? y : asTensor('where', y, scalarDType(y, xt.dtype), like);
  broadcastShapes('where', broadcastShapes('where', c.shape, xt.shape), yt.shape);
  const dt = promoteTypes(xt.dtype, yt.dtype);
  return runKernel1('where', [c.dtype === 'bool' ? c : cast(c, 'bool'), cast(xt, dt), cast(yt, dt)]);
}

/** −x elementwise. */
export function neg(x: TensorLike): Tensor { return unaryOp('neg', x); }
/** |x| elementwise. */
export function abs(x: TensorLike): Tensor { return unaryOp('abs', x); }
/** The sign of x (−1, 0 or 1) elementwise. */
export function sign(x: TensorLike): Tensor { return unaryOp('sign', x); }
/** x² elementwise. */
export function square(x: TensorLike): Tensor { return unaryOp('square', x); }
/** eˣ elementwise. */
export function exp(x: TensorLike): Tensor { return unaryOp('exp', x); }
/** Natural logarithm elementwise. */
export function log(x: TensorLike): Tensor { return unaryOp('log', x); }
/** log(1 + x), accurate for small x. */
export function log1p(x: TensorLike): Tensor { return unaryOp('log1p', x); }
/** eˣ − 1, accurate for small x. */
export function expm1(x: TensorLike): Tensor { return unaryOp('expm1', x); }
/** √x elementwise. */
export function sqrt(x: TensorLike): Tensor { return unaryOp('sqrt', x); }
/** 1/√x elementwise. */
export function rsqrt(x: TensorLike): Tensor { return unaryOp('rsqrt', x); }
/** 1/x elementwise. */
export function reciprocal(x: TensorLike): Tensor { return unaryOp('reciprocal', x); }
/** sin x elementwise. */
export function sin(x: TensorLike): Tensor { return unaryOp('sin', x); }
/** cos x elementwise. */
export function cos(x: TensorLike): Tensor { return unaryOp('cos', x); }
/** tanh x elementwise. */
export function tanh(x: TensorLike): Tensor { return unaryOp('tanh', x); }
/** The logistic function σ(x) = 1/(1 + e⁻ˣ). */
export function sigmoid(x: TensorLike): Tensor { return unaryOp('sigmoid', x); }
/** max(x, 0) elementwise. */
export function relu(x: TensorLike): Tensor { return unaryOp('relu', x); }
/** x for x > 0, else `negativeSlope`·x (PyTorch's default slope 0.01). */
export function leakyRelu(x: TensorLike, negativeSlope = 0.01): Tensor { return unaryOp('leakyRelu', x, negativeSlope); }
/** x for x > 0, else α(eˣ − 1). */
export function elu(x: TensorLike, alpha = 1): Tensor { return unaryOp('elu', x, alpha); }
/**
 * Gaussian error linear unit x·Φ(x); `approximate: 'tanh'` uses PyTorch's tanh
 * approximation.
 */
export function gelu(x: TensorLike, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh') throw new ArgumentError('gelu', `approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  return unaryOp('gelu', x, approximate === 'tanh' ? 1 : 0);
}
/** (1/β)·log(1 + e^{βx}), linear where βx > threshold (PyTorch's defaults β = 1, threshold = 20). */
export function softplus(x: TensorLike, beta = 1, threshold = 20): Tensor { return unaryOp('softplus', x, beta, threshold); }
/** x·σ(x) (also called swish). */
export function silu(x: TensorLike): Tensor { return unaryOp('silu', x); }
/** The error function erf(x). */
export function erf(x: TensorLike): Tensor { return unaryOp('erf', x); }
/** Limits x to [min, max]; either bound may be omitted (null). */
export function clamp(x: TensorLike, min?: number | null, max?: number | null): Tensor {
  if ((min === undefined || min === null) && (max === undefined || max === null)) throw new ArgumentError('clamp', 'at least one of min and max must be given');
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (x instanceof Tensor && !isFloatDType(x.dtype) && (!Number.isInteger(lo) && Number.isFinite(lo) || !Number.isInteger(hi) && Number.isFinite(hi))) {
    return unaryOp('clamp', cast(x, 'float32'), lo, hi);
  }
  return unaryOp('clamp', x, lo, hi);
}
/** Rounds down. */
export function floor(x: TensorLike): Tensor { return unaryOp('floor', x); }
/** Rounds up. */
export function ceil(x: TensorLike): Tensor { return unaryOp('ceil', x); }
/** Rounds half to even, as PyTorch does. */
export function round(x: TensorLike): Tensor { return unaryOp('round', x); }
/** Logical not (true where x is zero). */
export function logicalNot(x: TensorLike): Tensor { return unaryOp('logicalNot', x); }
/** True where x is NaN. */
export function isnan(x: TensorLike): Tensor { return unaryOp('isnan', x); }
/** True where x is ±Infinity. */
export function isinf(x: TensorLike): Tensor { return unaryOp('isinf', x); }

/** x + y with broadcasting. */
export function add(x: TensorLike, y: TensorLike): Tensor { return binaryOp('add', x, y); }
/** x − y with broadcasting. */
export function sub(x: TensorLike, y: TensorLike): Tensor { return binaryOp('sub', x, y); }
/** x · y elementwise with broadcasting. */
export function mul(x: TensorLike, y: TensorLike): Tensor { return binaryOp('mul', x, y); }
/** x / y with broadcasting (true division: integers give float32). */
export function div(x: TensorLike, y: TensorLike): Tensor { return binaryOp('div', x, y); }
/** xʸ with broadcasting. */
export function pow(x: TensorLike, y: TensorLike): Tensor { return binaryOp('pow', x, y); }
/** Elementwise minimum (NaN propagates). */
export function minimum(x: TensorLike, y: TensorLike): Tensor { return binaryOp('minimum', x, y); }
/** Elementwise maximum (NaN propagates). */
export function maximum(x: TensorLike, y: TensorLike): Tensor { return binaryOp('maximum', x, y); }
/** x == y elementwise (bool). */
export function eq(x: TensorLike, y: TensorLike): Tensor { return binaryOp('eq', x, y); }
/** x != y elementwise (bool). */
export function ne(x: TensorLike, y: TensorLike): Tensor { return binaryOp('ne', x, y); }
/** x < y elementwise (bool). */
export function lt(x: TensorLike, y: TensorLike): Tensor { return binaryOp('lt', x, y); }
/** x <= y elementwise (bool). */
export function le(x: TensorLike, y: TensorLike): Tensor { return binaryOp('le', x, y); }
/** x > y elementwise (bool). */
export function gt(x: TensorLike, y: TensorLike): Tensor { return binaryOp('gt', x, y); }
/** x >= y elementwise (bool). */
export function ge(x: TensorLike, y: TensorLike): Tensor { return binaryOp('ge', x, y); }
/** Logical and of truth values (bool). */
export function logicalAnd(x: TensorLike, y: TensorLike): Tensor { return binaryOp('logicalAnd', x, y); }
/** Logical or of truth values (bool). */
export function logicalOr(x: TensorLike, y: TensorLike): Tensor { return binaryOp('logicalOr', x, y); }

/** @internal throws a DTypeError unless `x` is a float tensor. */
export function assertFloat(op: string, x: Tensor): void {
  if (!isFloatDType(x.dtype)) throw new DTypeError(op, `expected a floating-point tensor, got ${x.dtype}`);
}
