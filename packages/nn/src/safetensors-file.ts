import type { Tensor } from '@webgrad/core-tensor';
import { loadSafetensors, saveSafetensorsAsync, type LoadSafetensorsOptions, type SafetensorsContents } from './safetensors.js';

/**
 * Node helpers around the safetensors codec. `node:fs` is imported lazily,
 * inside the functions, so the package still loads in a browser (where
 * only `saveSafetensors` / `loadSafetensors` on bytes are available).
 */

/**
 * Writes a state dict to `path` as safetensors, atomically: the bytes go to
 * a temporary file in the same directory, which is flushed to disk (fsync)
 * and then renamed over `path`, and the directory entry is synced. A crash at
 * any moment leaves either the old file or the new one, never a torn one.
 *
 * @example
 * ```ts
 * await saveSafetensorsFile('model.safetensors', model.stateDict(), { epoch: '3' });
 * ```
 */
export async function saveSafetensorsFile(path: string, stateDict: Record<string, Tensor>, metadata?: Record<string, string>): Promise<void> {
  const bytes = await saveSafetensorsAsync(stateDict, metadata);
  await writeFileAtomic(path, bytes);
}

/** Reads a safetensors file written by webgrad, PyTorch or any other implementation (see `loadSafetensors`). */
export async function loadSafetensorsFile(path: string, options: LoadSafetensorsOptions = {}): Promise<SafetensorsContents> {
  const { readFile } = await import('node:fs/promises');
  const buffer = await readFile(path);
  return loadSafetensors(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), options);
}

/** Writes `bytes` to `path` through a temporary file, fsync and rename. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const fs = await import('node:fs/promises');
  const { dirname, basename, join } = await import('node:path');
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  const handle = await fs.open(tmp, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  // persist the rename itself; some platforms cannot open directories, which is fine
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* directory fsync is best effort */
  }
}
