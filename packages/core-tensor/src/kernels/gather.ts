import type { KernelTensor } from '../backend.js';
import { cpuAlloc, cpuData } from '../cpu/cpu-backend.js';
import { WebgradError } from '../errors.js';
import { registerKernel } from '../kernel-registry.js';
import { sizeOf, stridesOf } from '../shape.js';

function badIndex(op: string, v: number, n: number): never {
  throw new WebgradError(op, `index ${v} is out of range for an axis of length ${n}`);
}

/** Calls fn(indexFlat, xOffsetWithoutAxis, axisValueFromIndex) for every element of `index`. */
function forEachIndexed(op: string, idxShape: readonly number[], xShape: readonly number[], axis: number, I: Int32Array, fn: (i: number, off: number, v: number) => void): void {
  const xs = stridesOf(xShape);
  const rank = idxShape.length;
  const pos = new Array<number>(rank).fill(0);
  const total = sizeOf(idxShape);
  const n = xShape[axis]!;
  for (let i = 0; i < total; i++) {
    let off = 0;
    for (let a = 0; a < rank; a++) if (a !== axis) off += pos[a]! * xs[a]!;
    let v = I[i]!;
    if (v < 0) v += n;
    if (v < 0 || v >= n) badIndex(op, I[i]!, n);
    fn(i, off + v * xs[axis]!, v);
    for (let a = rank - 1; a >= 0; a--) {
      if (++pos[a]! < idxShape[a]!) break;
      pos[a] = 0;
    }
  }
}

registerKernel('gather', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [x, index] = inputs as [KernelTensor, KernelTensor];
  const { out, data } = cpuAlloc(index.shape, x.dtype);
  const X = cpuData(x);
  forEachIndexed('gather', index.shape, x.shape, attrs.axis as number, cpuData(index) as Int32Array, (i, off) => {
    data[i] = X[off]!;
  });
  return [out];
});

registerKernel('scatterAdd', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [x, index, src] = inputs as [KernelTensor, KernelTensor, KernelTensor];
  const { out, data } = cpuAlloc(x.shape, x.dtype);
  data.set(cpuData(x));
  const S = cpuData(src);
  const ss = stridesOf(src.shape);
  const is = stridesOf(index.shape);
  forEachIndexed('scatterAdd', index.shape, x.shape, attrs.axis as number, cpuData(index) as Int32Array, (i, off) => {
    // src is read at the index's own position (src may be larger than index)
    let r = i;
    let so = 0;
    for (let a = 0; a < is.length; a++) {
      const p = Math.floor(r / is[a]!);
      r -= p * is[a]!;
      so += p * ss[a]!;
    }
    data[off]! += S[so]!;
  });
  return [out];
});

function selectLayout(shape: readonly number[], axis: number): { outer: number; n: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, axis)), n: shape[axis]!, inner: sizeOf(shape.slice(axis + 1)) };
}

registerKernel('indexSelect', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [x, index] = inputs as [KernelTensor, KernelTensor];
  const axis = attrs.axis as number;
  const shape = x.shape.slice();
  shape[axis] = index.shape[0] ?? 1;
  if (index.shape.length === 0) shape.splice(axis, 1);
  const { out, data } = cpuAlloc(shape, x.dtype);
  const X = cpuData(x);
  const I = cpuData(index) as Int32Array;
  const { outer, n, inner } = selectLayout(x.shape, axis);
  const k = I.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      let v = I[j]!;
      if (v < 0) v += n;
      if (v < 0 || v >= n) badIndex('indexSelect', I[j]!, n);
      const src = (o * n + v) * inner;
      data.set(X.subarray(src, src + inner), (o * k + j) * inner);
    }
  }
  return [out];
});

registerKernel('indexAdd', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [x, index, src] = inputs as [KernelTensor, KernelTensor, KernelTensor];
  const axis = attrs.axis as number;
  const { out, data } = cpuAlloc(x.shape, x.dtype);
  data.set(cpuData(x));
  const S = cpuData(src);
  const I = cpuData(index) as Int32Array;
  const { outer, n, inner } = selectLayout(x.shape, axis);
  const k = I.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      let v = I[j]!;
      if (v < 0) v += n;
      if (v < 0 || v >= n) badIndex('indexAdd', I[j]!, n);
      const dst = (o * n + v) * inner;
      const s = (o * k + j) * inner;
      for (let i = 0; i < inner; i++) data[dst + i]! += S[s + i]!;
    }
  }
  return [out];
});
