import type { KernelTensor } from '../backend.js';
import { cpuAlloc, cpuData } from '../cpu/cpu-backend.js';
import type { TypedArray } from '../dtype.js';
import { registerKernel } from '../kernel-registry.js';
import { sizeOf, stridesOf, type Shape } from '../shape.js';

/**
 * Visits every element of a strided window of a tensor of `shape`: calls
 * `fn(windowIndex, sourceOffset)` in row-major window order.
 */
function forEachWindowOffset(shape: Shape, begin: readonly number[], step: readonly number[], winShape: Shape, fn: (i: number, src: number) => void): void {
  const rank = shape.length;
  const total = sizeOf(winShape);
  if (total === 0) return;
  const strides = stridesOf(shape);
  const st = strides.map((s, a) => s * step[a]!);
  let src = 0;
  for (let a = 0; a < rank; a++) src += begin[a]! * strides[a]!;
  if (rank === 0) {
    fn(0, 0);
    return;
  }
  const idx = new Array<number>(rank).fill(0);
  const n = winShape[rank - 1]!;
  const last = st[rank - 1]!;
  for (let i = 0; i < total; i += n) {
    for (let j = 0, s = src; j < n; j++, s += last) fn(i + j, s);
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
  const { out, data } = cpuAlloc(shape, x.dtype);
  const X = cpuData(x);
  forEachWindowOffset(x.shape, attrs.begin as number[], attrs.step as number[], shape, (i, s) => {
    data[i] = X[s]!;
  });
  return [out];
});

registerKernel('sliceScatter', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [base, src] = inputs as [KernelTensor, KernelTensor];
  const { out, data } = cpuAlloc(base.shape, base.dtype);
  data.set(cpuData(base));
  const S: TypedArray = cpuData(src);
  forEachWindowOffset(base.shape, attrs.begin as number[], attrs.step as number[], src.shape, (i, o) => {
    data[o] = S[i]!;
  });
  return [out];
});
