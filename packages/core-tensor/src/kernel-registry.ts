import type { Kernel } from './backend.js';
import { BackendError } from './errors.js';
import { withFloat16 } from './float16-kernel.js';

// backend name → op → kernel: two lookups of strings the callers already hold, no key built per dispatch
const kernels = new Map<string, Map<string, Kernel>>();

/**
 * Registers the kernel that runs `op` on the backend named `backend`. A
 * kernel is written for float32; float16 tensors reach it through the
 * backend's `runFloat16` (computed in float32, stored as half).
 */
export function registerKernel(op: string, backend: string, kernel: Kernel): void {
  let ops = kernels.get(backend);
  if (ops === undefined) kernels.set(backend, (ops = new Map()));
  ops.set(op, withFloat16(op, kernel));
}

/** The kernel for `op` on `backend`, or a BackendError naming both. */
export function getKernel(op: string, backend: string): Kernel {
  const k = kernels.get(backend)?.get(op);
  if (k === undefined) throw new BackendError(op, `the ${backend} backend has no kernel for op '${op}'`);
  return k;
}

/** True when `backend` has a kernel for `op`. */
export function hasKernel(op: string, backend: string): boolean {
  return kernels.get(backend)?.has(op) ?? false;
}

/** The op names that have a kernel on `backend`, sorted. */
export function listKernels(backend: string): string[] {
  return [...(kernels.get(backend)?.keys() ?? [])].sort();
}
