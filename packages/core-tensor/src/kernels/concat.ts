import type { KernelTensor } from '../backend.js';
import { cpuAlloc, cpuData } from '../cpu/cpu-backend.js';
import { registerKernel } from '../kernel-registry.js';
import { sizeOf } from '../shape.js';

registerKernel('concat', 'cpu', (inputs, attrs): KernelTensor[] => {
  const axis = attrs.axis as number;
  const first = inputs[0]!;
  const shape = first.shape.slice();
  shape[axis] = inputs.reduce((s, t) => s + t.shape[axis]!, 0);
  const { out, data } = cpuAlloc(shape, first.dtype);
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const rowOut = shape[axis]! * inner;
  let colOffset = 0;
  for (const t of inputs) {
    const X = cpuData(t);
    const rowIn = t.shape[axis]! * inner;
    for (let o = 0; o < outer; o++) data.set(X.subarray(o * rowIn, (o + 1) * rowIn), o * rowOut + colOffset);
    colOffset += rowIn;
  }
  return [out];
});
