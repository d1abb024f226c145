import { ArgumentError } from '../errors.js';
import { getWasmRuntime, setWasmThreads, wasmFailure } from './wasm-runtime.js';

/** Which kernels the CPU backend runs for float32 work. */
export type CpuPath = 'wasm-simd' | 'typescript';

/** Options of `configureCpu`. */
export interface CpuOptions {
  /**
   * `auto` (default): WebAssembly SIMD kernels where the platform has them,
   * else the TypeScript kernels. `typescript` forces the exact reference
   * kernels. Overridden by the `WEBGRAD_CPU_PATH` environment variable.
   */
  path?: 'auto' | CpuPath;
  /**
   * Threads for large kernels (default: 2, or 1 on a one-core machine or
   * where memory cannot be shared). Overridden by `WEBGRAD_CPU_THREADS`.
   */
  threads?: number;
}

/** What the CPU backend is running now (reported by `backendInfo()` on the CPU). */
export interface CpuStatus {
  /** The active path. */
  readonly path: CpuPath;
  /** Threads large WebAssembly kernels use (1 on the TypeScript path). */
  readonly threads: number;
  /** Helper threads started and ready now (threads − 1 once they are up). */
  readonly readyHelpers: number;
  /** Why this path and thread count, in words. */
  readonly reason: string;
}

let requestedPath: 'auto' | CpuPath = 'auto';
let requestedThreads: number | null = null;
let active: { path: CpuPath; threads: number; reason: string } | null = null;

function env(name: string): string | undefined {
  const v = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
  return v === undefined || v === '' ? undefined : v;
}

function defaultThreads(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2;
  return Math.max(1, Math.min(2, cores));
}

function resolve(): { path: CpuPath; threads: number; reason: string } {
  const envPath = env('WEBGRAD_CPU_PATH');
  if (envPath !== undefined && envPath !== 'auto' && envPath !== 'wasm-simd' && envPath !== 'typescript') {
    throw new ArgumentError('configureCpu', `WEBGRAD_CPU_PATH must be auto, wasm-simd or typescript, got '${envPath}'`);
  }
  const envThreads = env('WEBGRAD_CPU_THREADS');
  const threadsWanted = envThreads !== undefined ? parseThreads(Number(envThreads), 'WEBGRAD_CPU_THREADS') : requestedThreads ?? defaultThreads();
  const path = (envPath as 'auto' | CpuPath | undefined) ?? requestedPath;
  if (path === 'typescript') return { path: 'typescript', threads: 1, reason: 'TypeScript kernels requested' };
  const rt = getWasmRuntime();
  if (rt === null) {
    if (path === 'wasm-simd') throw new ArgumentError('configureCpu', `the wasm-simd path is unavailable: ${wasmFailure()}`);
    return { path: 'typescript', threads: 1, reason: `TypeScript kernels: ${wasmFailure()}` };
  }
  const threadFailure = setWasmThreads(rt, threadsWanted);
  const threads = threadFailure === null ? threadsWanted : 1;
  const why = threadFailure === null ? '' : ` (one thread: ${threadFailure})`;
  return { path: 'wasm-simd', threads, reason: `WebAssembly SIMD kernels for float32, ${threads} thread${threads > 1 ? 's' : ''} on large ones${why}` };
}

function parseThreads(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new ArgumentError('configureCpu', `${what} must be an integer from 1 to 64, got ${n}`);
  return n;
}

/** @internal the active CPU path, resolved on first use. */
export function activeCpuPath(): { path: CpuPath; threads: number; reason: string } {
  active ??= resolve();
  return active;
}

/**
 * Chooses how the CPU backend computes: the WebAssembly SIMD kernels
 * (float32 matmul and friends, optionally on two threads) or the exact
 * TypeScript reference kernels. Resolves once helper threads are ready.
 * Environment variables `WEBGRAD_CPU_PATH` and `WEBGRAD_CPU_THREADS` win
 * over the options.
 *
 * @example
 * ```ts
 * const status = await configureCpu({ threads: 1 });
 * console.log(status.path, status.threads); // 'wasm-simd' 1
 * ```
 */
export async function configureCpu(options: CpuOptions = {}): Promise<CpuStatus> {
  if (options.path !== undefined && options.path !== 'auto' && options.path !== 'wasm-simd' && options.path !== 'typescript') {
    throw new ArgumentError('configureCpu', `path must be 'auto', 'wasm-simd' or 'typescript', got '${String(options.path)}'`);
  }
  if (options.threads !== undefined) parseThreads(options.threads, 'threads');
  const previous = [requestedPath, requestedThreads] as const;
  requestedPath = options.path ?? 'auto';
  requestedThreads = options.threads ?? null;
  try {
    active = resolve();
  } catch (e) {
    // a refused configuration leaves the previous one in force
    [requestedPath, requestedThreads] = previous;
    throw e;
  }
  const pool = active.path === 'wasm-simd' ? getWasmRuntime()?.pool : null;
  if (pool) await pool.whenReady();
  return cpuStatus();
}

/** The CPU backend's current path and threads (what `backendInfo()` reports on the CPU). */
export function cpuStatus(): CpuStatus {
  const a = activeCpuPath();
  const pool = a.path === 'wasm-simd' ? getWasmRuntime()?.pool : null;
  return { path: a.path, threads: a.threads, readyHelpers: pool ? pool.readyHelpers() : 0, reason: a.reason };
}
