import { ShapeError, fmtShape } from '../errors.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** Tolerances of `allclose`: |a − b| ≤ atol + rtol·|b| (PyTorch's defaults 1e-5, 1e-8). */
export interface AllCloseOptions {
  /** Relative tolerance. */
  rtol?: number;
  /** Absolute tolerance. */
  atol?: number;
  /** Treat NaNs in the same places as equal. */
  equalNan?: boolean;
}

/** True when `a` and `b` have the same shape and agree within tolerance everywhere (`torch.allclose`). */
export async function allclose(a: Tensor, b: Tensor, options: AllCloseOptions = {}): Promise<boolean> {
  if (!shapesEqual(a.shape, b.shape)) throw new ShapeError('allclose', `shapes differ: ${fmtShape(a.shape)} vs ${fmtShape(b.shape)}`);
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-8;
  const [x, y] = await Promise.all([a.data(), b.data()]);
  for (let i = 0; i < x.length; i++) {
    const u = x[i]!;
    const v = y[i]!;
    if (Number.isNaN(u) || Number.isNaN(v)) {
      if (options.equalNan && Number.isNaN(u) && Number.isNaN(v)) continue;
      return false;
    }
    if (u === v) continue;
    if (!(Math.abs(u - v) <= atol + rtol * Math.abs(v))) return false;
  }
  return true;
}
