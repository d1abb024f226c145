import { WebgradError } from '@webgrad/core-tensor';
import type { RgbaImage } from './rgba-image.js';

/**
 * Browser build of `writePng` (the `browser` export condition of
 * `@webgrad/data` selects it): a browser has no file system, so it rejects
 * with an error that says what to use instead — `encodePng` gives the bytes
 * for a `Blob`, a download link or an `<img>` source.
 */
export function writePng(_path: string, _png: Uint8Array | RgbaImage): Promise<void> {
  return Promise.reject(
    new WebgradError('writePng', "there is no file system in a browser build of @webgrad/data; use encodePng(image) and show or download the bytes (new Blob([png], { type: 'image/png' }))"),
  );
}
