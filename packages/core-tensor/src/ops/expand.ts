import { runKernel1 } from '../dispatch.js';
import { ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { reshape } from './reshape.js';
import { sum } from './reduce.js';

/**
 * Broadcasts `x` to `shape` (NumPy rules; a length of −1 keeps the input's
 * length), like `torch.expand`. The result is a copy.
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  x.assertAlive('expand');
  const off = shape.length - x.rank;
  if (off < 0) throw new ShapeError('expand', `cannot expand shape ${fmtShape(x.shape)} to fewer axes ${fmtShape(shape)}`);
  const target = shape.map((d, i) => (d === -1 ? (i >= off ? x.shape[i - off]! : -1) : d));
  if (target.includes(-1)) throw new ShapeError('expand', `-1 is not allowed for a new leading axis in ${fmtShape(shape)}`);
  const b = broadcastShapes('expand', x.shape, target);
  if (!shapesEqual(b, target)) throw new ShapeError('expand', `shape ${fmtShape(x.shape)} cannot be expanded to ${fmtShape(shape)}`);
  if (shapesEqual(x.shape, target)) return x;
  return runKernel1('expand', [x], { shape: target });
}

/** Broadcasts `x` to `shape` (`torch.broadcast_to`). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return expand(x, shape);
}

/**
 * Sums `x` down to `shape`, undoing a broadcast from `shape` to `x.shape`: the
 * adjoint of `expand`, used for gradients of broadcasting ops.
 */
export function sumTo(x: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  const off = x.rank - shape.length;
  if (off < 0) throw new ShapeError('sumTo', `cannot sum shape ${fmtShape(x.shape)} to the larger ${fmtShape(shape)}`);
  const axes: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    if (i < off) axes.push(i);
    else if (shape[i - off] === 1 && x.shape[i] !== 1) axes.push(i);
    else if (shape[i - off] !== x.shape[i]) throw new ShapeError('sumTo', `shape ${fmtShape(x.shape)} is not a broadcast of ${fmtShape(shape)}`);
  }
  return reshape(sum(x, axes, true), shape);
}
