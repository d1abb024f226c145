import type { KernelTensor } from '../backend.js';
import { cpuAlloc } from '../cpu/cpu-backend.js';
import type { DType } from '../dtype.js';
import { registerKernel } from '../kernel-registry.js';

registerKernel('fill', 'cpu', (_inputs, attrs): KernelTensor[] => {
  const { out, data } = cpuAlloc(attrs.shape as number[], attrs.dtype as DType);
  const v = attrs.value as number;
  if (v !== 0) data.fill(v);
  return [out];
});
