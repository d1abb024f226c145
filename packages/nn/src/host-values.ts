import { BackendError, type Tensor, type TypedArray } from '@webgrad/core-tensor';

/**
 * The elements of `t` when its backend can read them synchronously (the CPU),
 * else null. Losses and layers use it to validate targets and indices before
 * any kernel runs; on WebGPU a synchronous read would stall the queue, so the
 * check is skipped there (as PyTorch's CUDA kernels assert on the device).
 */
export function hostValues(t: Tensor): TypedArray | null {
  try {
    return t.dataSync();
  } catch (e) {
    if (e instanceof BackendError) return null;
    throw e;
  }
}
