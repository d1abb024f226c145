import { ArgumentError } from '@webgrad/core-tensor';
import { encode } from 'fast-png';
import type { RgbaImage } from './rgba-image.js';

/**
 * Encodes an RGBA image as PNG bytes (8 bits a channel, deflate-compressed),
 * with the maintained `fast-png` encoder. Works in Node and in browsers.
 *
 * @example
 * ```ts
 * const png = encodePng(imageGrid(pixels, { count: 16, height: 8, width: 8 }));
 * // png starts with the signature 137 80 78 71 13 10 26 10
 * ```
 */
export function encodePng(image: RgbaImage): Uint8Array {
  if (image.data.length !== image.width * image.height * 4)
    throw new ArgumentError(
      'encodePng',
      `expected ${image.width} × ${image.height} × 4 = ${image.width * image.height * 4} bytes of RGBA, got ${image.data.length}`,
    );
  return encode({
    width: image.width,
    height: image.height,
    data: image.data,
    channels: 4,
    depth: 8,
  });
}
