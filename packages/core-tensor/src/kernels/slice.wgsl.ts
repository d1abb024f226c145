import type { KernelTensor } from '../backend.js';
import { stridesOf, type Shape } from '../shape.js';
import { registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { stridedRead, stridedWrite } from '../webgpu/strided-copy.js';

/** Element strides and first offset of the window `begin`/`step` of a tensor of `shape`. */
function window(
  shape: Shape,
  begin: readonly number[],
  step: readonly number[],
): { strides: number[]; offset: number } {
  const st = stridesOf(shape);
  return {
    strides: st.map((s, a) => s * step[a]!),
    offset: st.reduce((o, s, a) => o + s * begin[a]!, 0),
  };
}

registerGpuKernel('slice', (inputs, attrs, be) => {
  const x = inputs[0]!;
  const { strides, offset } = window(x.shape, attrs.begin as number[], attrs.step as number[]);
  return [stridedRead(be, 'slice', x, attrs.shape as number[], strides, offset)];
});

registerGpuKernel('sliceScatter', (inputs, attrs, be) => {
  const [base, src] = inputs as [KernelTensor, KernelTensor];
  const out = be.output('sliceScatter', base.shape, base.dtype);
  be.copy(base, out, base.storage.byteLength);
  const { strides, offset } = window(base.shape, attrs.begin as number[], attrs.step as number[]);
  stridedWrite(be, src, out, src.shape, strides, offset);
  return [out];
});
