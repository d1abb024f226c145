import type { Kernel } from './backend.js';
import { BackendError } from './errors.js';

const kernels = new Map<string, Kernel>();

/** Registers the kernel that runs `op` on the backend named `backend`. */
export function registerKernel(op: string, backend: string, kernel: Kernel): void {
  kernels.set(`${backend}/${op}`, kernel);
}

/** The kernel for `op` on `backend`, or a BackendError naming both. */
export function getKernel(op: string, backend: string): Kernel {
  const k = kernels.get(`${backend}/${op}`);
  if (k === undefined) throw new BackendError(op, `the ${backend} backend has no kernel for op '${op}'`);
  return k;
}

/** True when `backend` has a kernel for `op`. */
export function hasKernel(op: string, backend: string): boolean {
  return kernels.has(`${backend}/${op}`);
}

/** The op names that have a kernel on `backend`, sorted. */
export function listKernels(backend: string): string[] {
  const prefix = `${backend}/`;
  return [...kernels.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)).sort();
}
