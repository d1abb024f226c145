import { ArgumentError, ShapeError, fmtShape, linspace, type Tensor } from '@webgrad/core-tensor';

/**
 * `steps` codes evenly spaced on the segment from `from` to `to` (each [1, L]
 * or [L]), endpoints included, as [steps, L]: z(t) = (1 − t)·a + t·b for
 * t = 0, 1/(steps − 1), …, 1. Decoding them shows how the model morphs one
 * example into another through its latent space.
 *
 * @example
 * ```ts
 * const path = interpolateLatents(vae.encode(x1).mu, vae.encode(x2).mu, 8);
 * const pictures = vae.mean(vae.decode(path)); // [8, ...]
 * ```
 */
export function interpolateLatents(from: Tensor, to: Tensor, steps: number): Tensor {
  const op = 'interpolateLatents';
  const isCode = (t: Tensor): boolean =>
    t.rank >= 1 && t.size === t.shape[t.rank - 1] && t.rank <= 2;
  if (!isCode(from) || !isCode(to) || from.size !== to.size)
    throw new ShapeError(
      op,
      `expected two codes [1, L] or [L] of one size, got ${fmtShape(from.shape)} and ${fmtShape(to.shape)}`,
    );
  if (!Number.isInteger(steps) || steps < 2)
    throw new ArgumentError(op, `steps must be an integer >= 2, got ${steps}`);
  const a = from.reshape([1, -1]);
  const b = to.reshape([1, -1]);
  const t = linspace(0, 1, steps, { dtype: from.dtype, backend: from.backend.name }).reshape([
    steps,
    1,
  ]);
  return a.mul(t.neg().add(1)).add(b.mul(t));
}
