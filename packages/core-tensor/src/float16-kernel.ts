import type { Kernel, KernelTensor } from './backend.js';
import { DTypeError } from './errors.js';

/**
 * @internal wraps a kernel written for float32 so it also runs float16
 * tensors, the way PyTorch computes half precision (in float32, stored as
 * half): float16 inputs reach the kernel as float32 views of their storage,
 * a `dtype: 'float16'` attribute (fill, random, cast) as `'float32'`, and the
 * backend's `runFloat16` makes the kernel's float32 outputs float16 (the CPU
 * rounds them; WebGPU allocates half storage and rewrites the shader). A cast
 * from float16 to another dtype produces that dtype. Tensors without float16
 * go straight to the kernel.
 */
export function withFloat16(op: string, kernel: Kernel): Kernel {
  return (inputs, attrs, backend) => {
    const halfAttr = attrs.dtype === 'float16';
    if (!halfAttr && !hasFloat16(inputs)) return kernel(inputs, attrs, backend);
    if (backend.runFloat16 === undefined) {
      throw new DTypeError(
        op,
        `the ${backend.name} backend has no float16 kernels (cast to float32 first)`,
      );
    }
    const views = inputs.map((t): KernelTensor =>
      t.dtype === 'float16' ? { ...t, dtype: 'float32' } : t,
    );
    const a = halfAttr ? { ...attrs, dtype: 'float32' } : attrs;
    const halfOutputs = op !== 'cast' || halfAttr;
    return backend.runFloat16(op, (ins = views) => kernel(ins, a, backend), inputs, halfOutputs);
  };
}

// a plain loop, not a closure: this runs on every dispatch
function hasFloat16(inputs: readonly KernelTensor[]): boolean {
  for (let i = 0; i < inputs.length; i++) if (inputs[i]!.dtype === 'float16') return true;
  return false;
}
