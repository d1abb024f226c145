import { describe } from 'vitest';
import { init, listBackends, setBackend } from '@webgrad/core-tensor';

/** Whether the WebGPU backend could be created here, and if not why. */
export interface WebgpuAvailability {
  readonly available: boolean;
  readonly reason: string;
}

/**
 * Creates the WebGPU backend for a test file (CPU stays the default backend;
 * tests put tensors on WebGPU with `{ backend: 'webgpu' }`). Without an
 * adapter the WebGPU tests are skipped by name, unless
 * `WEBGRAD_REQUIRE_WEBGPU=1`, which makes the missing adapter fail the file.
 */
export async function acquireWebgpu(options: { float16?: boolean } = {}): Promise<WebgpuAvailability> {
  const env = process.env;
  const override = env.WEBGRAD_BACKEND;
  delete env.WEBGRAD_BACKEND;
  try {
    await init({ backend: 'webgpu', ...options });
    setBackend('cpu', 'conformance tests use the CPU as the reference');
    return { available: listBackends().includes('webgpu'), reason: 'adapter found' };
  } catch (e) {
    const reason = (e as Error).message;
    if (env.WEBGRAD_REQUIRE_WEBGPU === '1') {
      throw new Error(`WEBGRAD_REQUIRE_WEBGPU=1 but the WebGPU backend could not be created: ${reason}`);
    }
    return { available: false, reason };
  } finally {
    if (override !== undefined) env.WEBGRAD_BACKEND = override;
  }
}

/** `describe` when WebGPU is available, else a skipped block whose name says why. */
export function describeOnWebgpu(gpu: WebgpuAvailability, name: string, fn: () => void): void {
  if (gpu.available) describe(name, fn);
  else describe.skip(`${name} (no WebGPU adapter: skipped — ${gpu.reason})`, fn);
}
