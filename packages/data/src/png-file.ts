import { encodePng } from './png.js';
import type { RgbaImage } from './rgba-image.js';

/**
 * Writes PNG bytes (or an image, encoded first) to `path`, creating missing
 * directories. Node only: the package's browser build (its `browser` export
 * condition) has `png-file.browser.ts` in its place.
 *
 * @example
 * ```ts
 * await writePng('out/samples.png', encodePng(grid));
 * ```
 */
export async function writePng(path: string, png: Uint8Array | RgbaImage): Promise<void> {
  const bytes = png instanceof Uint8Array ? png : encodePng(png);
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
}
