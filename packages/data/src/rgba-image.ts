import { ArgumentError } from '@webgrad/core-tensor';

/**
 * An 8-bit RGBA raster, row-major from the top-left pixel, 4 bytes a pixel:
 * the layout of the browser's `ImageData` (so `new ImageData(img.data,
 * img.width, img.height)` shows it on a canvas) and of `encodePng`'s input.
 */
export interface RgbaImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** width · height · 4 bytes: R, G, B, A of each pixel. */
  data: Uint8ClampedArray;
}

/** An RGB colour, each channel 0..255. */
export type Rgb = readonly [number, number, number];

/**
 * A new `width` × `height` image filled with `background` (opaque).
 *
 * @example
 * ```ts
 * const white = createRgbaImage(32, 16, [255, 255, 255]);
 * white.data.length; // 32 · 16 · 4
 * ```
 */
export function createRgbaImage(
  width: number,
  height: number,
  background: Rgb = [0, 0, 0],
): RgbaImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new ArgumentError(
      'createRgbaImage',
      `width and height must be positive integers, got ${width} × ${height}`,
    );
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < data.length; p += 4) {
    data[p] = background[0];
    data[p + 1] = background[1];
    data[p + 2] = background[2];
    data[p + 3] = 255;
  }
  return { width, height, data };
}

/** Paints a size × size block whose top-left pixel is (x, y), clipped to the image (opaque). */
export function fillBlock(image: RgbaImage, x: number, y: number, size: number, rgb: Rgb): void {
  for (let dy = 0; dy < size; dy++) {
    const row = y + dy;
    if (row < 0 || row >= image.height) continue;
    for (let dx = 0; dx < size; dx++) {
      const col = x + dx;
      if (col < 0 || col >= image.width) continue;
      const p = (row * image.width + col) * 4;
      image.data[p] = rgb[0];
      image.data[p + 1] = rgb[1];
      image.data[p + 2] = rgb[2];
      image.data[p + 3] = 255;
    }
  }
}
