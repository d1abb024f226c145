import type { KernelTensor } from '../backend.js';
import { cpuAlloc, cpuData } from '../cpu/cpu-backend.js';
import { registerKernel } from '../kernel-registry.js';
import { forEachBroadcastRow } from './strided-loop.js';

registerKernel('expand', 'cpu', (inputs, attrs): KernelTensor[] => {
  const x = inputs[0]!;
  const shape = attrs.shape as number[];
  const { out, data } = cpuAlloc(shape, x.dtype);
  const X = cpuData(x);
  forEachBroadcastRow(shape, [x.shape], (o, offs, n, st) => {
    const s = st[0]!;
    let xo = offs[0]!;
    if (s === 0) data.fill(X[xo]!, o, o + n);
    else if (s === 1) data.set(X.subarray(xo, xo + n), o);
    else for (let i = 0; i < n; i++, xo += s) data[o + i] = X[xo]!;
  });
  return [out];
});

registerKernel('copy', 'cpu', (inputs): KernelTensor[] => {
  const x = inputs[0]!;
  const { out, data } = cpuAlloc(x.shape, x.dtype);
  data.set(cpuData(x));
  return [out];
});
