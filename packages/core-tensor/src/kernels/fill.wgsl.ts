import type { DType } from '../dtype.js';
import { sizeOf } from '../shape.js';
import { linearGroups, linearProgram, registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { type GpuProgram } from '../webgpu/pipeline-cache.js';
import { UniformLayout } from '../webgpu/uniform-layout.js';

const PARAMS = new UniformLayout([
  ['n', 'u32'],
  ['bits', 'u32'],
]);

// The value travels as the 32-bit pattern of its dtype, so one shader fills every dtype.
const FILL: GpuProgram = linearProgram('fill', () => ({
  inputs: [],
  outputs: ['u32'],
  params: PARAMS,
  body: '  if (i < P.n) { out0[i] = P.bits; }',
}));

const FILL_FLOAT: GpuProgram = linearProgram('fill/float', () => ({
  inputs: [],
  outputs: ['f32'],
  params: PARAMS,
  body: '  if (i < P.n) { out0[i] = bitcast<f32>(P.bits); }',
}));

function bitsOf(value: number, dtype: DType): number {
  if (dtype === 'float32') return new Uint32Array(new Float32Array([value]).buffer)[0]!;
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  return value >>> 0;
}

registerGpuKernel('fill', (_inputs, attrs, be) => {
  const shape = attrs.shape as number[];
  const dtype = attrs.dtype as DType;
  const out = be.output('fill', shape, dtype);
  const n = sizeOf(shape);
  // half storage (float16) takes the value as a float, narrowed by the shader
  const program = be.isHalfStorage(out.storage) ? FILL_FLOAT : FILL;
  be.dispatch(
    program,
    [],
    [out],
    PARAMS.pack({ n, bits: bitsOf(attrs.value as number, dtype) }),
    linearGroups(n),
  );
  return [out];
});
