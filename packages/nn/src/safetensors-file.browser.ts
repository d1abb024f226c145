import { WebgradError, type Tensor } from '@webgrad/core-tensor';
import type { LoadSafetensorsOptions, SafetensorsContents } from './safetensors.js';

/**
 * The browser build of the safetensors file helpers (the `browser` export
 * condition of `@webgrad/nn` selects it). A browser has no file system, so
 * each helper rejects with an error that says what to use instead:
 * `saveSafetensors` / `loadSafetensors` work on bytes (a `Blob` to download,
 * an `ArrayBuffer` from `fetch` or a file input).
 */

function noFileSystem(op: string, instead: string): WebgradError {
  return new WebgradError(op, `there is no file system in a browser build of @webgrad/nn; use ${instead} on bytes instead`);
}

/** Browser build: rejects (no file system); use `saveSafetensors` and download the bytes. */
export function saveSafetensorsFile(_path: string, _stateDict: Record<string, Tensor>, _metadata?: Record<string, string>): Promise<void> {
  return Promise.reject(noFileSystem('saveSafetensorsFile', 'saveSafetensors(stateDict) → Uint8Array'));
}

/** Browser build: rejects (no file system); use `loadSafetensors` on fetched bytes. */
export function loadSafetensorsFile(_path: string, _options: LoadSafetensorsOptions = {}): Promise<SafetensorsContents> {
  return Promise.reject(noFileSystem('loadSafetensorsFile', 'loadSafetensors(new Uint8Array(await (await fetch(url)).arrayBuffer()))'));
}

/** Browser build: rejects (no file system). */
export function writeFileAtomic(_path: string, _bytes: Uint8Array): Promise<void> {
  return Promise.reject(noFileSystem('writeFileAtomic', 'a Blob download'));
}
