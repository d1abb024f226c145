import type { Backend, BackendInfo } from './backend.js';
import { backendInfo, listBackends, registerBackend, setBackend } from './engine.js';
import { ArgumentError, BackendError } from './errors.js';

/** Which backend `init` should use. */
export type BackendChoice = 'auto' | 'cpu' | 'webgpu';

/** Options of `init`. */
export interface InitOptions {
  /** `auto` (default) picks the fastest available backend; `WEBGRAD_BACKEND` overrides it. */
  backend?: BackendChoice;
  /**
   * Create the WebGPU device with the `shader-f16` feature, so float16
   * tensors work on it (off by default; `backendInfo().details.float16` says
   * whether it is on). Must be given to the first init that creates the
   * WebGPU device.
   */
  float16?: boolean;
}

/** What a lazily created backend reports when asked whether it should be preferred. */
export interface BackendCandidate {
  /** The ready backend. */
  backend: Backend;
  /** Preferred over the CPU by `auto` (false for software adapters). */
  preferred: boolean;
  /** Why (or why not) it is preferred. */
  reason: string;
}

/** Creates a backend on demand (e.g. requests a WebGPU device); throws a clear error when it cannot. */
export type BackendFactory = (options: InitOptions) => Promise<BackendCandidate>;

const factories = new Map<string, BackendFactory>();

/** Registers a backend that is created on first `init` (used by the WebGPU backend). */
export function registerBackendFactory(name: string, factory: BackendFactory): void {
  factories.set(name, factory);
}

function envChoice(): BackendChoice | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.WEBGRAD_BACKEND;
  if (v === undefined || v === '') return undefined;
  if (v !== 'auto' && v !== 'cpu' && v !== 'webgpu') throw new ArgumentError('init', `WEBGRAD_BACKEND must be auto, cpu or webgpu, got '${v}'`);
  return v;
}

async function create(name: string, options: InitOptions): Promise<BackendCandidate> {
  const f = factories.get(name);
  if (f === undefined) {
    throw new BackendError('init', `the ${name} backend is not available in this build (have: ${[...new Set([...listBackends(), ...factories.keys()])].join(', ')})`);
  }
  const c = await f(options);
  registerBackend(c.backend, 1);
  return c;
}

/**
 * Chooses the backend new tensors go to and reports it. `auto` takes WebGPU
 * when a hardware adapter exists and falls back to the CPU otherwise (a
 * software adapter is slower than the CPU backend, so it is not preferred);
 * `backendInfo().reason` says why. `WEBGRAD_BACKEND=cpu|webgpu` overrides.
 *
 * @example
 * ```ts
 * const info = await init({ backend: 'auto' });
 * console.log(`training on ${info.name}: ${info.reason}`);
 * ```
 */
export async function init(options: InitOptions = {}): Promise<BackendInfo> {
  const choice = envChoice() ?? options.backend ?? 'auto';
  if (choice === 'cpu') {
    setBackend('cpu', 'requested explicitly');
  } else if (choice === 'webgpu') {
    const c = await create('webgpu', options);
    setBackend(c.backend.name, `requested explicitly (${c.reason})`);
  } else {
    let reason = 'no WebGPU backend is available in this build';
    if (factories.has('webgpu')) {
      try {
        const c = await create('webgpu', options);
        if (c.preferred) {
          setBackend(c.backend.name, c.reason);
          return backendInfo();
        }
        reason = c.reason;
      } catch (e) {
        reason = `WebGPU unavailable: ${(e as Error).message}`;
      }
    }
    setBackend('cpu', reason);
  }
  return backendInfo();
}
