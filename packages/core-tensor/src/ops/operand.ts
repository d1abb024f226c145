import { fromTypedArray } from '../creation.js';
import { allocArray, type DType } from '../dtype.js';
import { keep } from '../engine.js';
import { ArgumentError } from '../errors.js';
import { Tensor, type TensorLike } from '../tensor.js';

/** Cached scalars by backend name ('' = the active backend when created), dtype and value. */
const scalarCache = new Map<string, Map<DType, Map<number, Tensor>>>();
/** Insertion order of the cache entries, oldest first, for eviction. */
const cacheOrder: { values: Map<number, Tensor>; value: number }[] = [];
const SCALAR_CACHE_LIMIT = 512;

/**
 * Turns an op argument into a tensor on `like`'s backend: tensors pass through,
 * numbers become (cached) scalar tensors of `dtype`.
 */
export function asTensor(op: string, x: TensorLike, dtype: DType, like?: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number' && typeof x !== 'boolean') {
    throw new ArgumentError(op, `expected a tensor or a number, got ${x === null ? 'null' : typeof x}`);
  }
  const backend = like?.backend.name ?? '';
  const value = Number(x);
  let byDType = scalarCache.get(backend);
  if (byDType === undefined) scalarCache.set(backend, (byDType = new Map()));
  let values = byDType.get(dtype);
  if (values === undefined) byDType.set(dtype, (values = new Map()));
  // Map keys compare with SameValueZero: -0 and 0 share an entry (a scalar's sign of zero is lost, as before)
  const hit = values.get(value);
  // a backend re-created under the same name (a lost WebGPU device) must not get the old one's scalars
  if (hit !== undefined && !hit.isDisposed && (like === undefined || hit.backend === like.backend)) return hit;
  const arr = allocArray(dtype, 1);
  arr[0] = value;
  const t = keep(fromTypedArray(arr, [], backend ? { dtype, backend } : { dtype }));
  if (hit === undefined) {
    if (cacheOrder.length >= SCALAR_CACHE_LIMIT) {
      // evicted scalars are freed at once (a graph that saved one holds its own handle)
      const first = cacheOrder.shift()!;
      first.values.get(first.value)?.dispose();
      first.values.delete(first.value);
    }
    cacheOrder.push({ values, value });
  }
  values.set(value, t);
  return t;
}

/** The dtype a number takes beside a tensor of `dtype` (a weak scalar, as in PyTorch). */
export function scalarDType(x: number | boolean, dtype: DType): DType {
  if (typeof x === 'boolean') return dtype;
  if ((dtype === 'int32' || dtype === 'bool') && !Number.isInteger(x)) return 'float32';
  if (dtype === 'bool') return 'int32';
  return dtype;
}
