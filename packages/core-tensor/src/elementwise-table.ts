/**
 * The single source of every elementwise op: each entry gives the scalar
 * formula as a JavaScript expression (the CPU kernel is generated from it) and
 * as a WGSL expression (the WebGPU kernel is generated from it), so the two
 * backends cannot drift apart. Gradients live in autograd under the same name.
 *
 * In unary formulas `x` is the input element and `a`, `b` are the op's two
 * numeric attributes; JavaScript formulas may call the helpers in `M`
 * (`M.erf`, `M.roundEven`), WGSL formulas the functions in `WGSL_PRELUDE`.
 */

/** How an op treats input dtypes. */
export type ElementwiseInputKind =
  /** floats only; integer and bool inputs are promoted to float32 */
  | 'float'
  /** int32 or float, result keeps the (promoted) input dtype; bool is promoted to int32 */
  | 'numeric'
  /** any dtype, read as truth values */
  | 'logical';

/** What dtype an elementwise op returns. */
export type ElementwiseOutputKind = 'same' | 'bool';

/** One unary elementwise op. */
export interface UnaryOpDef {
  /** Op name, also the name of the frontend function and of its gradient. */
  readonly name: string;
  /** JavaScript expression in `x`, `a`, `b`, `M`. */
  readonly js: string;
  /** JavaScript expression used when the input is int32, if it differs. */
  readonly jsInt?: string;
  /** WGSL expression in `x`, `a`, `b` (f32). */
  readonly wgsl: string;
  /** WGSL expression used when the input is i32, if it differs. */
  readonly wgslInt?: string;
  /** Accepted input dtypes. */
  readonly input: ElementwiseInputKind;
  /** Output dtype. */
  readonly output: ElementwiseOutputKind;
  /** Whether autograd must have a gradient for it. */
  readonly differentiable: boolean;
}

/** One binary elementwise op (with NumPy broadcasting). */
export interface BinaryOpDef {
  /** Op name. */
  readonly name: string;
  /** JavaScript expression in `x`, `y`. */
  readonly js: string;
  /** JavaScript expression for int32 operands, if it differs. */
  readonly jsInt?: string;
  /** WGSL expression in `x`, `y`. */
  readonly wgsl: string;
  /** WGSL expression for i32 operands, if it differs. */
  readonly wgslInt?: string;
  /** Accepted input dtypes. */
  readonly input: ElementwiseInputKind;
  /** Output dtype. */
  readonly output: ElementwiseOutputKind;
  /** Whether autograd must have a gradient for it. */
  readonly differentiable: boolean;
}

/** Every unary elementwise op. */
export const UNARY_OPS: readonly UnaryOpDef[] = [
  { name: 'neg', js: '-x', wgsl: '-x', input: 'numeric', output: 'same', differentiable: true },
  { name: 'abs', js: 'Math.abs(x)', wgsl: 'abs(x)', input: 'numeric', output: 'same', differentiable: true },
  { name: 'sign', js: 'Math.sign(x)', wgsl: 'webgrad_sign(x)', wgslInt: 'sign(x)', input: 'numeric', output: 'same', differentiable: true },
  { name: 'square', js: 'x * x', jsInt: 'Math.imul(x, x)', wgsl: 'x * x', input: 'numeric', output: 'same', differentiable: true },
  { name: 'exp', js: 'Math.exp(x)', wgsl: 'exp(x)', input: 'float', output: 'same', differentiable: true },
  { name: 'log', js: 'Math.log(x)', wgsl: 'webgrad_log(x)', input: 'float', output: 'same', differentiable: true },
  { name: 'log1p', js: 'Math.log1p(x)', wgsl: 'webgrad_log1p(x)', input: 'float', output: 'same', differentiable: true },
  { name: 'expm1', js: 'Math.expm1(x)', wgsl: 'webgrad_expm1(x)', input: 'float', output: 'same', differentiable: true },
  { name: 'sqrt', js: 'Math.sqrt(x)', wgsl: 'sqrt(x)', input: 'float', output: 'same', differentiable: true },
  { name: 'rsqrt', js: '1 / Math.sqrt(x)', wgsl: 'inverseSqrt(x)', input: 'float', output: 'same', differentiable: true },
  { name: 'reciprocal', js: '1 / x', wgsl: '1.0 / x', input: 'float', output: 'same', differentiable: true },
  { name: 'sin', js: 'Math.sin(x)', wgsl: 'sin(x)', input: 'float', output: 'same', differentiable: true },
  { name: 'cos', js: 'Math.cos(x)', wgsl: 'cos(x)', input: 'float', output: 'same', differentiable: true },
  { name: 'tanh', js: 'Math.tanh(x)', wgsl: 'webgrad_tanh(x)', input: 'float', output: 'same', differentiable: true },
  { name: 'sigmoid', js: '1 / (1 + Math.exp(-x))', wgsl: 'webgrad_sigmoid(x)', input: 'float', output: 'same', differentiable: true },
  { name: 'relu', js: '(x < 0 ? 0 : x)', wgsl: 'select(x, 0.0, x < 0.0)', wgslInt: 'select(x, 0, x < 0)', input: 'numeric', output: 'same', differentiable: true },
  { name: 'leakyRelu', js: '(x > 0 ? x : a * x)', wgsl: 'select(a * x, x, x > 0.0)', input: 'float', output: 'same', differentiable: true },
  { name: 'elu', js: '(x > 0 ? x : a * Math.expm1(x))', wgsl: 'select(a * webgrad_expm1(x), x, x > 0.0)', input: 'float', output: 'same', differentiable: true },
  {
    name: 'gelu',
    js: '(a === 0 ? 0.5 * x * (1 + M.erf(x * Math.SQRT1_2)) : 0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))))',
    wgsl: 'select(0.5 * x * (1.0 + webgrad_tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))), 0.5 * x * (1.0 + webgrad_erf(x * 0.7071067811865476)), a == 0.0)',
    input: 'float',
    output: 'same',
    differentiable: true,
  },
  { name: 'softplus', js: '(a * x > b ? x : Math.log1p(Math.exp(a * x)) / a)', wgsl: 'select(webgrad_log1p(exp(a * x)) / a, x, a * x > b)', input: 'float', output: 'same', differentiable: true },
  { name: 'silu', js: 'x / (1 + Math.exp(-x))', wgsl: 'x * webgrad_sigmoid(x)', input: 'float', output: 'same', differentiable: true },
  { name: 'erf', js: 'M.erf(x)', wgsl: 'webgrad_erf(x)', input: 'float', output: 'same', differentiable: true },
  // min(max(x, a), b) as torch.clamp: when a > b every element becomes b; NaN stays NaN
  { name: 'clamp', js: '(x > b ? b : x < a ? (a > b ? b : a) : x)', wgsl: 'select(select(x, select(a, b, a > b), x < a), b, x > b)', input: 'numeric', output: 'same', differentiable: true },
  { name: 'floor', js: 'Math.floor(x)', jsInt: 'x', wgsl: 'floor(x)', wgslInt: 'x', input: 'numeric', output: 'same', differentiable: true },
  { name: 'ceil', js: 'Math.ceil(x)', jsInt: 'x', wgsl: 'ceil(x)', wgslInt: 'x', input: 'numeric', output: 'same', differentiable: true },
  { name: 'round', js: 'M.roundEven(x)', jsInt: 'x', wgsl: 'round(x)', wgslInt: 'x', input: 'numeric', output: 'same', differentiable: true },
  { name: 'logicalNot', js: '(x === 0)', wgsl: 'x == 0.0', wgslInt: 'x == 0', input: 'logical', output: 'bool', differentiable: false },
  { name: 'isnan', js: 'x !== x', jsInt: 'false', wgsl: 'webgrad_isnan(x)', wgslInt: 'false', input: 'numeric', output: 'bool', differentiable: false },
  { name: 'isinf', js: '(x === Infinity || x === -Infinity)', jsInt: 'false', wgsl: 'webgrad_isinf(x)', wgslInt: 'false', input: 'numeric', output: 'bool', differentiable: false },
];

/** Every binary elementwise op. */
export const BINARY_OPS: readonly BinaryOpDef[] = [
  { name: 'add', js: 'x + y', wgsl: 'x + y', input: 'numeric', output: 'same', differentiable: true },
  { name: 'sub', js: 'x - y', wgsl: 'x - y', input: 'numeric', output: 'same', differentiable: true },
  { name: 'mul', js: 'x * y', jsInt: 'Math.imul(x, y)', wgsl: 'x * y', input: 'numeric', output: 'same', differentiable: true },
  { name: 'div', js: 'x / y', wgsl: 'x / y', input: 'float', output: 'same', differentiable: true },
  { name: 'pow', js: 'Math.pow(x, y)', wgsl: 'webgrad_pow(x, y)', wgslInt: 'webgrad_ipow(x, y)', input: 'numeric', output: 'same', differentiable: true },
  { name: 'minimum', js: '(x !== x || y !== y ? NaN : x < y ? x : y)', jsInt: '(x < y ? x : y)', wgsl: 'webgrad_minimum(x, y)', wgslInt: 'min(x, y)', input: 'numeric', output: 'same', differentiable: true },
  { name: 'maximum', js: '(x !== x || y !== y ? NaN : x > y ? x : y)', jsInt: '(x > y ? x : y)', wgsl: 'webgrad_maximum(x, y)', wgslInt: 'max(x, y)', input: 'numeric', output: 'same', differentiable: true },
  { name: 'eq', js: 'x === y', wgsl: 'x == y', input: 'numeric', output: 'bool', differentiable: false },
  { name: 'ne', js: 'x !== y', wgsl: 'x != y || webgrad_isnan(x) || webgrad_isnan(y)', wgslInt: 'x != y', input: 'numeric', output: 'bool', differentiable: false },
  { name: 'lt', js: 'x < y', wgsl: 'x < y', input: 'numeric', output: 'bool', differentiable: false },
  { name: 'le', js: 'x <= y', wgsl: 'x <= y', input: 'numeric', output: 'bool', differentiable: false },
  { name: 'gt', js: 'x > y', wgsl: 'x > y', input: 'numeric', output: 'bool', differentiable: false },
  { name: 'ge', js: 'x >= y', wgsl: 'x >= y', input: 'numeric', output: 'bool', differentiable: false },
  { name: 'logicalAnd', js: '(x !== 0 && y !== 0)', wgsl: 'webgrad_truthy(x) && webgrad_truthy(y)', wgslInt: '(x != 0) && (y != 0)', input: 'logical', output: 'bool', differentiable: false },
  { name: 'logicalOr', js: '(x !== 0 || y !== 0)', wgsl: 'webgrad_truthy(x) || webgrad_truthy(y)', wgslInt: '(x != 0) || (y != 0)', input: 'logical', output: 'bool', differentiable: false },
];

/** Looks up a unary op definition by name. */
export function unaryOpDef(name: string): UnaryOpDef | undefined {
  return UNARY_OPS.find((d) => d.name === name);
}

/** Looks up a binary op definition by name. */
export function binaryOpDef(name: string): BinaryOpDef | undefined {
  return BINARY_OPS.find((d) => d.name === name);
}
