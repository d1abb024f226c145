import { ArgumentError, concat, expand, flip, narrow, pad, type Tensor } from '@webgrad/core-tensor';

/** How a convolution pads its input, PyTorch's `padding_mode`. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

/**
 * Pads the trailing axes of `x` as F.pad does, `amounts` listing (before,
 * after) pairs from the last axis backwards, with zeros or, for the other
 * modes, by reflecting (without repeating the edge), replicating the edge, or
 * wrapping around. Built from slices, flips and concatenation, so the
 * gradient comes from those ops.
 */
export function padWithMode(op: string, x: Tensor, amounts: readonly number[], mode: PaddingMode): Tensor {
  if (mode === 'zeros') return amounts.some((a) => a !== 0) ? pad(x, amounts) : x;
  let y = x;
  for (let i = 0; i < amounts.length / 2; i++) {
    const axis = x.rank - 1 - i;
    const before = amounts[2 * i]!;
    const after = amounts[2 * i + 1]!;
    if (before === 0 && after === 0) continue;
    const n = y.shape[axis]!;
    if (mode === 'reflect' && (before >= n || after >= n)) {
      throw new ArgumentError(op, `reflect padding (${before}, ${after}) must be smaller than the input length ${n} of axis ${axis}`);
    }
    if (mode === 'circular' && (before > n || after > n)) {
      throw new ArgumentError(op, `circular padding (${before}, ${after}) must be at most the input length ${n} of axis ${axis}`);
    }
    const edge = (start: number, length: number, count: number): Tensor => {
      if (count === 0) return narrow(y, axis, 0, 0);
      if (mode === 'reflect') return flip(narrow(y, axis, start, length), axis);
      if (mode === 'circular') return narrow(y, axis, start, length);
      const shape = y.shape.slice();
      shape[axis] = count;
      return expand(narrow(y, axis, start, 1), shape);
    };
    const left = mode === 'reflect' ? edge(1, before, before) : mode === 'circular' ? edge(n - before, before, before) : edge(0, 1, before);
    const right = mode === 'reflect' ? edge(n - 1 - after, after, after) : mode === 'circular' ? edge(0, after, after) : edge(n - 1, 1, after);
    y = concat([left, y, right].filter((t) => t.shape[axis] !== 0), axis);
  }
  return y;
}
