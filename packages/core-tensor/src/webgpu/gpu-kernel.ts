import type { Backend, KernelAttrs, KernelTensor } from '../backend.js';
import type { DType } from '../dtype.js';
import { registerKernel } from '../kernel-registry.js';
import { bindingDecls, type GpuProgram } from './pipeline-cache.js';
import type { UniformLayout } from './uniform-layout.js';
import { assertGpuDType, WebGpuBackend } from './webgpu-backend.js';

/** A WebGPU kernel: like `Kernel`, with the backend typed. */
export type GpuKernel = (
  inputs: readonly KernelTensor[],
  attrs: KernelAttrs,
  backend: WebGpuBackend,
) => KernelTensor[];

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

/** What `linearProgram` builds a one-thread-per-element program from. */
export interface LinearProgramSpec {
  /** WGSL element types of the read-only inputs (`in0`, `in1`, …). */
  readonly inputs: readonly string[];
  /** WGSL element types of the outputs (`out0`, …). */
  readonly outputs: readonly string[];
  /** The uniform block, read as `P`. */
  readonly params: UniformLayout;
  /** WGSL placed between the declarations and the entry point (helper functions). */
  readonly header?: string;
  /** The entry point's body; `i` is the flat thread index. */
  readonly body: string;
  /** Binds the backend's index error flag (`errorFlag`). */
  readonly checksIndices?: boolean;
}

const linearPrograms = new Map<string, GpuProgram>();

/**
 * The one-thread-per-element program called `key`, built by `spec` the first
 * time the key is asked for (so its source is assembled once per process).
 */
export function linearProgram(key: string, spec: () => LinearProgramSpec): GpuProgram {
  let p = linearPrograms.get(key);
  if (p === undefined) {
    const s = spec();
    p = {
      key,
      inputs: s.inputs.length,
      outputs: s.outputs.length,
      ...(s.checksIndices ? { checksIndices: true } : {}),
      source: () =>
        bindingDecls(s.inputs, s.outputs, s.params.wgsl, s.checksIndices === true) +
        (s.header ?? '') +
        linearMain(s.body),
    };
    linearPrograms.set(key, p);
  }
  return p;
}
