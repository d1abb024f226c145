import type { KernelTensor } from '../backend.js';
import { cpuAlloc } from '../cpu/cpu-backend.js';
import type { DType } from '../dtype.js';
import { registerKernel } from '../kernel-registry.js';
import { philoxNormalFill, philoxUniformFill } from '../philox.js';

// Attributes: shape, dtype, seedLo, seedHi, offset (first Philox block), and
// the affine map applied to each draw: value = a + b·draw.
registerKernel('randomUniform', 'cpu', (_inputs, attrs): KernelTensor[] => {
  const { out, data } = cpuAlloc(attrs.shape as number[], attrs.dtype as DType);
  const tmp = new Float64Array(data.length);
  philoxUniformFill(tmp, attrs.seedLo as number, attrs.seedHi as number, attrs.offset as number);
  const a = attrs.a as number;
  const b = attrs.b as number;
  // integer draws round down, so randint(low, high) is uniform over [low, high)
  if (attrs.dtype === 'int32') for (let i = 0; i < tmp.length; i++) data[i] = Math.floor(a + b * Math.fround(tmp[i]!));
  else for (let i = 0; i < tmp.length; i++) data[i] = a + b * Math.fround(tmp[i]!);
  return [out];
});

registerKernel('randomNormal', 'cpu', (_inputs, attrs): KernelTensor[] => {
  const { out, data } = cpuAlloc(attrs.shape as number[], attrs.dtype as DType);
  const tmp = new Float64Array(data.length);
  philoxNormalFill(tmp, attrs.seedLo as number, attrs.seedHi as number, attrs.offset as number);
  const a = attrs.a as number;
  const b = attrs.b as number;
  for (let i = 0; i < tmp.length; i++) data[i] = a + b * Math.fround(tmp[i]!);
  return [out];
});
