import type { BackendCandidate } from '../init.js';
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
export async function createWebGpuBackend(): Promise<BackendCandidate> {
  const backend = await webGpuBackend();
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

async function webGpuBackend(): Promise<WebGpuBackend> {
  if (current !== null && !current.isLost) return current;
  if (pending === null) {
    pending = requestGpuDevice()
      .then((h) => (current = new WebGpuBackend(h)))
      .finally(() => {
        pending = null;
      });
  }
  return pending;
}

registerBackendFactory('webgpu', createWebGpuBackend);
