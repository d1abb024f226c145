import { sizeOf } from '../shape.js';
import { registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { stridedWrite } from '../webgpu/strided-copy.js';

// Each input is written as an [outer, rowIn] block into rows of length rowOut.
registerGpuKernel('concat', (inputs, attrs, be) => {
  const axis = attrs.axis as number;
  const first = inputs[0]!;
  const shape = first.shape.slice();
  shape[axis] = inputs.reduce((s, t) => s + t.shape[axis]!, 0);
  const out = be.output('concat', shape, first.dtype);
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const rowOut = shape[axis]! * inner;
  let colOffset = 0;
  for (const t of inputs) {
    const rowIn = t.shape[axis]! * inner;
    stridedWrite(be, t, out, [outer, rowIn], [rowOut, 1], colOffset);
    colOffset += rowIn;
  }
  return [out];
});
