import { stridesOf } from '../shape.js';
import { registerGpuKernel } from '../webgpu/gpu-kernel.js';
import { stridedRead } from '../webgpu/strided-copy.js';

registerGpuKernel('permute', (inputs, attrs, be) => {
  const x = inputs[0]!;
  const perm = attrs.axes as number[];
  const st = stridesOf(x.shape);
  return [
    stridedRead(
      be,
      'permute',
      x,
      perm.map((p) => x.shape[p]!),
      perm.map((p) => st[p]!),
      0,
    ),
  ];
});
