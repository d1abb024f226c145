import { runKernel1 } from '../dispatch.js';
import { findBackend } from '../engine.js';
import { fromTypedArray } from '../creation.js';
import { Tensor } from '../tensor.js';

/** A copy with its own storage (recorded by autograd: gradients flow through). */
export function clone(x: Tensor): Tensor {
  x.assertAlive('clone');
  return runKernel1('copy', [x]);
}

/** A new leaf sharing `x`'s storage, cut from the autograd graph (`torch.detach`). */
export function detach(x: Tensor): Tensor {
  x.assertAlive('detach');
  return new Tensor(x.dataRef, x.shape, x.dtype);
}

/**
 * Copies `x` to the backend named `backend` (synchronous reads need the CPU
 * as source; use `toBackendAsync` from WebGPU).
 */
export function toBackend(x: Tensor, backend: string): Tensor {
  x.assertAlive('to');
  if (x.backend.name === backend) return x;
  findBackend(backend);
  return fromTypedArray(x.dataSync(), x.shape, { dtype: x.dtype, backend });
}

/** Copies `x` to another backend, reading it back asynchronously (works from WebGPU). */
export async function toBackendAsync(x: Tensor, backend: string): Promise<Tensor> {
  x.assertAlive('to');
  if (x.backend.name === backend) return x;
  findBackend(backend);
  return fromTypedArray(await x.data(), x.shape, { dtype: x.dtype, backend });
}
