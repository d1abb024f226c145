import { init, listBackends, setBackend } from '@webgrad/core-tensor';

/** Whether the WebGPU backend could be created here, and if not why. */
export interface WebgpuAvailability {
  readonly available: boolean;
  readonly reason: string;
}

/**
 * Creates the WebGPU backend for a test file, leaving the CPU as the default
 * backend. Without an adapter the WebGPU tests are skipped by name, unless
 * `WEBGRAD_REQUIRE_WEBGPU=1`, which makes a missing adapter fail the file.
 */
export async function acquireWebgpu(): Promise<WebgpuAvailability> {
  const override = process.env.WEBGRAD_BACKEND;
  delete process.env.WEBGRAD_BACKEND;
  try {
    await init({ backend: 'webgpu' });
    setBackend('cpu', 'tests choose their backend explicitly');
    return { available: listBackends().includes('webgpu'), reason: 'adapter found' };
  } catch (e) {
    const reason = (e as Error).message;
    if (process.env.WEBGRAD_REQUIRE_WEBGPU === '1')
      throw new Error(
        `WEBGRAD_REQUIRE_WEBGPU=1 but the WebGPU backend could not be created: ${reason}`,
      );
    return { available: false, reason };
  } finally {
    if (override !== undefined) process.env.WEBGRAD_BACKEND = override;
  }
}

/** Runs `fn` with `backend` as the default backend, restoring the CPU afterwards. */
export async function onBackend<T>(backend: string, fn: () => Promise<T>): Promise<T> {
  setBackend(backend, 'test');
  try {
    return await fn();
  } finally {
    setBackend('cpu', 'tests choose their backend explicitly');
  }
}
