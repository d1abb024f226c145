import { BackendError } from '../errors.js';
import type { BackendCandidate, InitOptions } from '../init.js';
import { registerBackendFactory } from '../init.js';
import { requestGpuDevice } from './gpu-device.js';
import { WebGpuBackend } from './webgpu-backend.js';

// The backend of the process, kept for its whole life (Dawn must not see its
// device collected); replaced only after its device was lost.
let current: WebGpuBackend | null = null;
let pending: Promise<WebGpuBackend> | null = null;

/**
 * Creates (once) the WebGPU backend and says whether `init({ backend: 'auto' })`
 * should prefer it over the CPU: hardware adapters yes, software ones
 * (lavapipe, SwiftShader, fallback adapters) no, because the CPU backend is
 * faster than a GPU emulated on the same cores.
 */
export async function createWebGpuBackend(options: InitOptions = {}): Promise<BackendCandidate> {
  const float16 = options.float16 === true;
  const backend = await webGpuBackend(float16);
  if (float16 && !backend.float16Requested) {
    throw new BackendError(
      'init',
      'float16: true was asked for, but the WebGPU device already exists without it (a device cannot gain features): pass float16: true to the first init',
    );
  }
  const d = backend.info();
  const adapter = `${d.device}`;
  if (backend.isSoftware) {
    return {
      backend,
      preferred: false,
      reason: `software WebGPU adapter '${adapter}': slower than the CPU backend, so 'auto' does not prefer it (ask for 'webgpu' to use it)`,
    };
  }
  return { backend, preferred: true, reason: `hardware WebGPU adapter '${adapter}'` };
}

async function webGpuBackend(float16: boolean): Promise<WebGpuBackend> {
  if (current !== null && !current.isLost) return current;
  if (pending === null) {
    pending = requestGpuDevice({ float16 })
      .then((h) => (current = new WebGpuBackend(h)))
      .finally(() => {
        pending = null;
      });
  }
  return pending;
}

registerBackendFactory('webgpu', createWebGpuBackend);
