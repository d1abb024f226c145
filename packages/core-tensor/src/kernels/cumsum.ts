import type { KernelTensor } from '../backend.js';
import { cpuAlloc, cpuData } from '../cpu/cpu-backend.js';
import { registerKernel } from '../kernel-registry.js';
import { sizeOf } from '../shape.js';

registerKernel('cumsum', 'cpu', (inputs, attrs): KernelTensor[] => {
  const x = inputs[0]!;
  const axis = attrs.axis as number;
  const { out, data } = cpuAlloc(x.shape, x.dtype);
  const X = cpuData(x);
  if (x.shape.length === 0) {
    data[0] = X[0]!;
    return [out];
  }
  const outer = sizeOf(x.shape.slice(0, axis));
  const n = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let k = 0, p = o * n * inner + i; k < n; k++, p += inner) {
        acc += X[p]!;
        data[p] = acc;
      }
    }
  }
  return [out];
});
