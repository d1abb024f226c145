import type { Backend, KernelAttrs, KernelTensor } from '../backend.js';
import type { DType } from '../dtype.js';
import { registerKernel } from '../kernel-registry.js';
import { assertGpuDType, WebGpuBackend } from './webgpu-backend.js';

/** A WebGPU kernel: like `Kernel`, with the backend typed. */
export type GpuKernel = (inputs: readonly KernelTensor[], attrs: KernelAttrs, backend: WebGpuBackend) => KernelTensor[];

/**
 * Registers `kernel` for `op` on the `webgpu` backend. Registration needs no
 * device (kernels are plain functions), so `listKernels('webgpu')` works
 * everywhere; float64 inputs are refused with a DTypeError naming the op.
 */
export function registerGpuKernel(op: string, kernel: GpuKernel): void {
  registerKernel(op, 'webgpu', (inputs, attrs, backend: Backend) => {
    for (const t of inputs) assertGpuDType(op, t.dtype);
    return kernel(inputs, attrs, backend as WebGpuBackend);
  });
}

/** The WGSL element type a dtype is stored as on the GPU (bool is a 0/1 i32 word). */
export function wgslType(dtype: DType): 'f32' | 'i32' {
  return dtype === 'float32' ? 'f32' : 'i32';
}

/** Threads per workgroup of the one-thread-per-element kernels. */
export const LINEAR_WORKGROUP = 256;

/**
 * Workgroups covering `n` threads of `LINEAR_WORKGROUP` each, folded into two
 * dimensions when one would pass the 65535 limit.
 */
export function linearGroups(n: number, perGroup = LINEAR_WORKGROUP): [number, number] {
  const g = Math.ceil(n / perGroup);
  if (g <= 65535) return [g, 1];
  const y = Math.ceil(g / 65535);
  return [Math.ceil(g / y), y];
}

/** The entry point of a one-thread-per-element kernel: `i` is the flat thread index. */
export function linearMain(body: string, perGroup = LINEAR_WORKGROUP): string {
  return `
@compute @workgroup_size(${perGroup})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * ${perGroup}u + lid;
${body}
}
`;
}
