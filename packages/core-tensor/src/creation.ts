import { allocArray, assertDType, dtypeOfArray, type DType, type TypedArray } from './dtype.js';
import { findBackend, getBackend } from './engine.js';
import { runKernel1 } from './dispatch.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from './errors.js';
import { assertValidShape, sizeOf, type Shape } from './shape.js';
import { Tensor, type NestedArray } from './tensor.js';

/** Options for creating a tensor. */
export interface TensorOptions {
  /** Element type; default `float32` (or the typed array's own type). */
  dtype?: DType;
  /** Track gradients to this tensor (a leaf). */
  requiresGrad?: boolean;
  /** Backend name; default the active backend. */
  backend?: string;
}

/** Options for `tensor()`: also the shape of flat data. */
export interface TensorFromValuesOptions extends TensorOptions {
  /** Shape to give flat values (a typed array or flat number array). */
  shape?: readonly number[];
}

/**
 * Creates a tensor from a nested array, a flat array or a typed array.
 * JavaScript has no integer literals, so numbers default to `float32`; pass
 * `{ dtype: 'int32' }` or an `Int32Array` for integers.
 *
 * @example
 * ```ts
 * const a = tensor([[1, 2], [3, 4]]);
 * const idx = tensor([0, 2, 1], { dtype: 'int32' });
 * const b = tensor(new Float32Array(6), { shape: [2, 3] });
 * ```
 */
export function tensor(values: NestedArray | TypedArray, options: TensorFromValuesOptions = {}): Tensor {
  if (options.dtype !== undefined) assertDType('tensor', options.dtype);
  let flat: TypedArray;
  let shape: number[];
  if (ArrayBuffer.isView(values)) {
    const dtype = options.dtype ?? dtypeOfArray(values);
    flat = dtype === dtypeOfArray(values) ? values : convert(values, dtype);
    shape = options.shape ? options.shape.slice() : [values.length];
  } else {
    shape = inferShape(values);
    const dtype = options.dtype ?? (containsBoolean(values) ? 'bool' : 'float32');
    flat = allocArray(dtype, sizeOf(shape));
    fillFlat(values, flat, shape);
    if (options.shape) shape = options.shape.slice();
  }
  assertValidShape('tensor', shape);
  if (sizeOf(shape) !== flat.length) {
    throw new ShapeError('tensor', `${flat.length} values cannot have shape ${fmtShape(shape)}`);
  }
  return fromTypedArray(flat, shape, options);
}

/** Creates a rank-0 tensor holding one value. */
export function scalar(value: number | boolean, options: TensorOptions = {}): Tensor {
  return tensor(value, options);
}

/** @internal wraps a typed array as a tensor on the requested backend (the array is copied). */
export function fromTypedArray(values: TypedArray, shape: Shape, options: TensorOptions = {}): Tensor {
  const dtype = options.dtype ?? dtypeOfArray(values);
  assertDType('tensor', dtype);
  const backend = options.backend !== undefined ? findBackend(options.backend) : getBackend();
  const data = dtypeOfArray(values) === dtype ? values : convert(values, dtype);
  const t = Tensor.fromKernel(backend, { storage: backend.upload(data, dtype), shape, dtype });
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number | boolean, options: TensorOptions = {}): Tensor {
  assertValidShape('full', shape);
  const dtype = options.dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  assertDType('full', dtype);
  if (typeof value === 'number' && dtype === 'int32' && !Number.isInteger(value)) {
    throw new DTypeError('full', `value ${value} is not an integer but dtype is int32`);
  }
  const backend = options.backend !== undefined ? findBackend(options.backend) : getBackend();
  const t = runKernel1('fill', [], { shape: shape.slice(), value: Number(value), dtype }, backend);
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(shape, 0, options);
}

/** A tensor of ones. */
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** Zeros with the shape, dtype and backend of `x`. */
export function zerosLike(x: Tensor, options: TensorOptions = {}): Tensor {
  return full(x.shape, 0, { dtype: x.dtype, backend: x.backend.name, ...options });
}

/** Ones with the shape, dtype and backend of `x`. */
export function onesLike(x: Tensor, options: TensorOptions = {}): Tensor {
  return full(x.shape, 1, { dtype: x.dtype, backend: x.backend.name, ...options });
}

/** `value` with the shape, dtype and backend of `x`. */
export function fullLike(x: Tensor, value: number, options: TensorOptions = {}): Tensor {
  return full(x.shape, value, { dtype: x.dtype, backend: x.backend.name, ...options });
}

/**
 * Values from `start` up to (not including) `end` in steps of `step`, like
 * `torch.arange`. With one argument it counts from 0. Integral arguments give
 * `int32` unless a dtype is passed.
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step)) throw new ArgumentError('arange', `step must be a non-zero finite number, got ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = options.dtype ?? (Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step) ? 'int32' : 'float32');
  const out = allocArray(dtype, n);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return fromTypedArray(out, [n], { ...options, dtype });
}

/** `steps` evenly spaced values from `start` to `end` inclusive, like `torch.linspace`. */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ArgumentError('linspace', `steps must be a non-negative integer, got ${steps}`);
  const dtype = options.dtype ?? 'float32';
  const out = allocArray(dtype, steps);
  // PyTorch computes in the output's precision: float32 arithmetic for float32
  const r = dtype === 'float32' ? Math.fround : (v: number): number => v;
  const lo = r(start);
  const hi = r(end);
  const h = steps > 1 ? r((hi - lo) / (steps - 1)) : 0;
  // and fills the first half from start, the second half back from end
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) out[i] = steps === 1 ? lo : i < half ? r(lo + r(h * i)) : r(hi - r(h * (steps - 1 - i)));
  return fromTypedArray(out, [steps], { ...options, dtype });
}

/** The `n`×`m` identity matrix (ones on the diagonal). */
export function eye(n: number, m: number = n, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 0 || m < 0) throw new ArgumentError('eye', `sizes must be non-negative integers, got ${n} and ${m}`);
  const dtype = options.dtype ?? 'float32';
  const out = allocArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) out[i * m + i] = 1;
  return fromTypedArray(out, [n, m], { ...options, dtype });
}

function convert(values: TypedArray, dtype: DType): TypedArray {
  const out = allocArray(dtype, values.length);
  if (dtype === 'bool') for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
  else if (dtype === 'int32') for (let i = 0; i < values.length; i++) out[i] = Math.trunc(values[i]!);
  else out.set(values);
  return out;
}

function inferShape(v: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0]!;
  }
  return shape;
}

function containsBoolean(v: NestedArray): boolean {
  let cur: NestedArray = v;
  while (Array.isArray(cur)) {
    if (cur.length === 0) return false;
    cur = cur[0]!;
  }
  return typeof cur === 'boolean';
}

function fillFlat(v: NestedArray, out: TypedArray, shape: readonly number[]): void {
  let pos = 0;
  const walk = (x: NestedArray, axis: number): void => {
    if (axis === shape.length) {
      if (Array.isArray(x)) throw new ShapeError('tensor', `ragged nested array: expected a number at depth ${axis}`);
      const n = typeof x === 'boolean' ? (x ? 1 : 0) : (x as number);
      if (typeof n !== 'number') throw new ArgumentError('tensor', `expected numbers or booleans, got ${typeof x}`);
      out[pos++] = n;
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[axis]) {
      throw new ShapeError('tensor', `ragged nested array: expected length ${shape[axis]} at depth ${axis}, got ${Array.isArray(x) ? x.length : typeof x}`);
    }
    for (const e of x as readonly NestedArray[]) walk(e, axis + 1);
  };
  walk(v, 0);
}
