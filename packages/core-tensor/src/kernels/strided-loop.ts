import { broadcastStrides, type Shape } from '../shape.js';

/**
 * Runs `row(outOffset, inOffsets, n, inStrides)` once per innermost row of
 * `outShape`, where each input is read with broadcast strides. Adjacent axes
 * that are contiguous for every input are merged first, so broadcasting a
 * vector over a matrix costs one call per matrix row, not per element.
 */
export function forEachBroadcastRow(
  outShape: Shape,
  inShapes: readonly Shape[],
  row: (outOffset: number, inOffsets: readonly number[], n: number, lastStrides: readonly number[]) => void,
): void {
  const k = inShapes.length;
  let dims = outShape.slice();
  let strides = inShapes.map((s) => broadcastStrides(s, outShape));
  // drop length-1 axes, then merge neighbours that are contiguous for every input
  const keep = dims.map((d) => d !== 1);
  dims = dims.filter((_, i) => keep[i]);
  strides = strides.map((st) => st.filter((_, i) => keep[i]));
  for (let i = dims.length - 2; i >= 0; i--) {
    let mergeable = true;
    for (let j = 0; j < k; j++) {
      if (strides[j]![i] !== strides[j]![i + 1]! * dims[i + 1]!) {
        mergeable = false;
        break;
      }
    }
    if (mergeable) {
      dims[i + 1] = dims[i]! * dims[i + 1]!;
      dims.splice(i, 1);
      for (let j = 0; j < k; j++) strides[j]!.splice(i, 1);
    }
  }
  if (dims.length === 0) {
    row(0, new Array(k).fill(0), 1, new Array(k).fill(0));
    return;
  }
  const rank = dims.length;
  const n = dims[rank - 1]!;
  const last = strides.map((s) => s[rank - 1]!);
  let rows = 1;
  for (let i = 0; i < rank - 1; i++) rows *= dims[i]!;
  const idx = new Array<number>(rank - 1).fill(0);
  const offs = new Array<number>(k).fill(0);
  for (let r = 0; r < rows; r++) {
    row(r * n, offs, n, last);
    // advance the multi-index over the outer axes
    for (let ax = rank - 2; ax >= 0; ax--) {
      idx[ax]!++;
      for (let j = 0; j < k; j++) offs[j]! += strides[j]![ax]!;
      if (idx[ax]! < dims[ax]!) break;
      for (let j = 0; j < k; j++) offs[j]! -= strides[j]![ax]! * dims[ax]!;
      idx[ax] = 0;
    }
  }
}
