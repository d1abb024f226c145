import { ShapeError, fmtShape, squeeze, unsqueeze, type Tensor } from '@webgrad/core-tensor';

/**
 * Runs `fn` on a batched input: PyTorch's convolution and pooling layers take
 * [N, C, *spatial] or, unbatched, [C, *spatial]; the unbatched form gets a
 * batch axis of 1 for `fn` and loses it again after.
 */
export function withBatchAxis(op: string, x: Tensor, spatialRank: number, fn: (batched: Tensor) => Tensor): Tensor {
  if (x.rank === spatialRank + 2) return fn(x);
  if (x.rank === spatialRank + 1) return squeeze(fn(unsqueeze(x, 0)), 0);
  const names = spatialRank === 1 ? 'L' : 'H, W';
  throw new ShapeError(op, `expected input [N, C, ${names}] or [C, ${names}], got ${fmtShape(x.shape)}`);
}
