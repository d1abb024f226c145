import { broadcastStrides, type Shape } from '../shape.js';

/** An output shape and, per input, the element strides to read it with (after merging axes). */
export interface StridedLayout {
  /** Merged output axes (at least one). */
  readonly dims: number[];
  /** Per input, one stride per merged axis (0 on broadcast axes). */
  readonly strides: number[][];
}

/**
 * Merges the axes of a broadcast: drops length-1 axes and joins neighbours
 * that are contiguous for every input, so `[64,1,128] + [128]` becomes one
 * axis of 8192 for the first input. Kernels then loop over few axes whatever
 * the tensors' ranks.
 */
export function mergeBroadcastAxes(outShape: Shape, inShapes: readonly Shape[]): StridedLayout {
  return mergeStridedAxes(
    outShape,
    inShapes.map((s) => broadcastStrides(s, outShape)),
  );
}

/** Merges axes of `shape` read with per-input `strides` (see `mergeBroadcastAxes`). */
export function mergeStridedAxes(
  shape: Shape,
  inStrides: readonly (readonly number[])[],
): StridedLayout {
  const keep = shape.map((d) => d !== 1);
  const dims = shape.filter((_, i) => keep[i]);
  const strides = inStrides.map((st) => st.filter((_, i) => keep[i]));
  for (let i = dims.length - 2; i >= 0; i--) {
    if (strides.every((st) => st[i] === st[i + 1]! * dims[i + 1]!)) {
      dims[i + 1] = dims[i]! * dims[i + 1]!;
      dims.splice(i, 1);
      for (const st of strides) st.splice(i, 1);
    }
  }
  if (dims.length === 0) return { dims: [1], strides: strides.map(() => [0]) };
  return { dims, strides };
}

/**
 * WGSL that turns the flat output index `i` into element offsets `o0..o{k-1}`
 * of `k` inputs, walking the merged axes in `P.shape` with strides
 * `P.s0..P.s{k-1}` (`dims` uniform fields) up to `P.rank` axes.
 */
export function stridedOffsetsWgsl(k: number, index = 'i'): string {
  const decl = Array.from({ length: k }, (_, j) => `var o${j} = 0u;`).join(' ');
  const acc = Array.from(
    { length: k },
    (_, j) => `o${j} = o${j} + c * P.s${j}[d / 4u][d % 4u];`,
  ).join(' ');
  return `
  ${decl}
  var rem = ${index};
  for (var di = i32(P.rank) - 1; di >= 0; di = di - 1) {
    let d = u32(di);
    let n = P.shape[d / 4u][d % 4u];
    let c = rem % n;
    rem = rem / n;
    ${acc}
  }`;
}
