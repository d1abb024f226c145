import type { KernelTensor } from '../backend.js';
import { cpuAllocUninit, cpuData } from '../cpu/cpu-backend.js';
import type { TypedArray } from '../dtype.js';
import { registerKernel } from '../kernel-registry.js';
import { sizeOf, stridesOf, type Shape } from '../shape.js';

/**
 * Visits every innermost row of a strided window of a tensor of `shape`:
 * calls `row(windowIndex, sourceOffset, n, sourceStride)` in row-major
 * window order, one call per row of `n` elements (so a contiguous row can be
 * copied in one `set`).
 */
function forEachWindowRow(shape: Shape, begin: readonly number[], step: readonly number[], winShape: Shape, row: (i: number, src: number, n: number, stride: number) => void): void {
  const rank = shape.length;
  const total = sizeOf(winShape);
  if (total === 0) return;
  const strides = stridesOf(shape);
  const st = strides.map((s, a) => s * step[a]!);
  let src = 0;
  for (let a = 0; a < rank; a++) src += begin[a]! * strides[a]!;
  if (rank === 0) {
    row(0, 0, 1, 1);
    return;
  }
  const idx = new Array<number>(rank).fill(0);
  const n = winShape[rank - 1]!;
  const last = st[rank - 1]!;
  for (let i = 0; i < total; i += n) {
    row(i, src, n, last);
    for (let a = rank - 2; a >= 0; a--) {
      idx[a]!++;
      src += st[a]!;
      if (idx[a]! < winShape[a]!) break;
      src -= st[a]! * winShape[a]!;
      idx[a] = 0;
    }
  }
}

registerKernel('slice', 'cpu', (inputs, attrs): KernelTensor[] => {
  const x = inputs[0]!;
  const shape = attrs.shape as number[];
  const { out, storage: data } = cpuAllocUninit(shape, x.dtype);
  const D = data.data;
  const X = cpuData(x);
  forEachWindowRow(x.shape, attrs.begin as number[], attrs.step as number[], shape, (i, s, n, st) => {
    if (st === 1) D.set(X.subarray(s, s + n), i);
    else for (let j = 0; j < n; j++, s += st) D[i + j] = X[s]!;
  });
  return [out];
});

registerKernel('sliceScatter', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [base, src] = inputs as [KernelTensor, KernelTensor];
  const { out, storage: data } = cpuAllocUninit(base.shape, base.dtype);
  const D = data.data;
  D.set(cpuData(base));
  const S: TypedArray = cpuData(src);
  forEachWindowRow(base.shape, attrs.begin as number[], attrs.step as number[], src.shape, (i, o, n, st) => {
    if (st === 1) D.set(S.subarray(i, i + n), o);
    else for (let j = 0; j < n; j++, o += st) D[o] = S[i + j]!;
  });
  return [out];
});
