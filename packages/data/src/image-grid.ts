import { ArgumentError, ShapeError, fmtShape, type Tensor } from '@webgrad/core-tensor';
import { createRgbaImage, fillBlock, type Rgb, type RgbaImage } from './rgba-image.js';

/** Options of `imageGrid`. */
export interface ImageGridOptions {
  /** Height and width of one image. */
  imageShape: readonly [number, number];
  /** Channels of one image: 1 (grey) or 3 (RGB), laid out C × H × W as PyTorch does (default 1). */
  channels?: 1 | 3;
  /** Images per row (default ⌈√n⌉; n for a single row, 1 for a column). */
  columns?: number;
  /** Pixels of background between and around the images, before scaling (default 1). */
  padding?: number;
  /** Integer nearest-neighbour magnification of the whole grid (default 1). */
  scale?: number;
  /**
   * Values mapped to black and white: a fixed [low, high] (default [0, 1]),
   * or `'auto'` for the smallest and largest value of the batch. Values
   * outside are clamped.
   */
  range?: readonly [number, number] | 'auto';
  /** Colour of the padding (default [40, 40, 40]). */
  background?: Rgb;
}

/** Options of `tensorImageGrid`: the image shape and channels come from the tensor's shape when it has them. */
export type TensorImageGridOptions = Omit<ImageGridOptions, 'imageShape' | 'channels'> & {
  /** Height and width of one image, for flat [N, H·W] images that are not square. */
  imageShape?: readonly [number, number];
};

/**
 * Tiles a batch of images into one picture, like torchvision's `make_grid`:
 * `pixels` holds n images one after another, each C × H × W, and the result
 * has ⌈n / columns⌉ rows of `columns` images with `padding` pixels between
 * them. Values in `range` map linearly to 0..255.
 *
 * @example
 * ```ts
 * // 16 digits (8x8, values in [0, 1]) as a 4x4 grid, each pixel drawn 4x4
 * const grid = imageGrid(pixels, { imageShape: [8, 8], columns: 4, scale: 4 });
 * const png = encodePng(grid);
 * ```
 */
export function imageGrid(pixels: ArrayLike<number>, options: ImageGridOptions): RgbaImage {
  const op = 'imageGrid';
  const [h, w] = options.imageShape;
  const channels = options.channels ?? 1;
  const padding = options.padding ?? 1;
  const scale = options.scale ?? 1;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1)
    throw new ArgumentError(
      op,
      `imageShape must be two positive integers, got [${options.imageShape.join(', ')}]`,
    );
  if (channels !== 1 && channels !== 3)
    throw new ArgumentError(op, `channels must be 1 or 3, got ${String(channels)}`);
  const perImage = channels * h * w;
  const n = pixels.length / perImage;
  if (!Number.isInteger(n) || n < 1)
    throw new ShapeError(
      op,
      `expected a whole number (≥ 1) of ${channels}×${h}×${w} images, got ${pixels.length} values`,
    );
  const columns = options.columns ?? Math.ceil(Math.sqrt(n));
  if (!Number.isInteger(columns) || columns < 1)
    throw new ArgumentError(op, `columns must be a positive integer, got ${columns}`);
  if (!Number.isInteger(padding) || padding < 0)
    throw new ArgumentError(op, `padding must be a non-negative integer, got ${padding}`);
  if (!Number.isInteger(scale) || scale < 1)
    throw new ArgumentError(op, `scale must be a positive integer, got ${scale}`);
  const [low, high] = valueRange(op, pixels, options.range ?? [0, 1]);

  const rows = Math.ceil(n / columns);
  const gridW = columns * (w + padding) + padding;
  const gridH = rows * (h + padding) + padding;
  const image = createRgbaImage(gridW * scale, gridH * scale, options.background ?? [40, 40, 40]);
  const toByte = (v: number): number => Math.round((255 * (v - low)) / (high - low));
  for (let k = 0; k < n; k++) {
    const top = padding + Math.floor(k / columns) * (h + padding);
    const left = padding + (k % columns) * (w + padding);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const at = (c: number): number => toByte(pixels[k * perImage + c * h * w + y * w + x]!);
        const rgb: Rgb = channels === 1 ? [at(0), at(0), at(0)] : [at(0), at(1), at(2)];
        fillBlock(image, (left + x) * scale, (top + y) * scale, scale, rgb);
      }
    }
  }
  return image;
}

/**
 * `imageGrid` for a tensor of images on any backend: [N, H, W] (grey),
 * [N, C, H, W] with C = 1 or 3, or flat [N, H·W] (square, or with
 * `imageShape`); see `imageBatchLayout`.
 *
 * @example
 * ```ts
 * const grid = await tensorImageGrid(samples.reshape([16, 1, 8, 8]), { scale: 4 });
 * ```
 */
export async function tensorImageGrid(
  images: Tensor,
  options: TensorImageGridOptions = {},
): Promise<RgbaImage> {
  const { imageShape, channels } = imageBatchLayout(
    'tensorImageGrid',
    images.shape,
    options.imageShape,
  );
  return imageGrid(await images.data(), { ...options, imageShape, channels });
}

/** How a batch of pictures is laid out: the size of one image and its channels. */
export interface ImageBatchLayout {
  /** Height and width of one image. */
  imageShape: readonly [number, number];
  /** 1 (grey) or 3 (RGB). */
  channels: 1 | 3;
}

/**
 * The layout of a batch of pictures of shape [N, C, H, W] (C = 1 or 3),
 * [N, H, W] (grey), or flat [N, H·W] (grey; H × W from `imageShape`, or
 * square when H·W is a perfect square). `op` names the caller in the error.
 *
 * @example
 * ```ts
 * imageBatchLayout('show', [16, 64]); // { imageShape: [8, 8], channels: 1 }
 * ```
 */
export function imageBatchLayout(
  op: string,
  shape: readonly number[],
  imageShape?: readonly [number, number],
): ImageBatchLayout {
  const s = shape;
  if (s.length === 4 && (s[1] === 1 || s[1] === 3))
    return { imageShape: [s[2]!, s[3]!], channels: s[1] };
  if (s.length === 3) return { imageShape: [s[1]!, s[2]!], channels: 1 };
  if (s.length === 2) {
    const side = Math.round(Math.sqrt(s[1]!));
    const hw = imageShape ?? (side * side === s[1] ? ([side, side] as const) : undefined);
    if (hw !== undefined && hw[0] * hw[1] === s[1]) return { imageShape: hw, channels: 1 };
  }
  throw new ShapeError(
    op,
    `expected images [N, H, W], [N, 1|3, H, W] or [N, H·W] (square, or with imageShape), got ${fmtShape(s)}` +
      (imageShape ? ` with imageShape [${imageShape.join(', ')}]` : ''),
  );
}

function valueRange(
  op: string,
  pixels: ArrayLike<number>,
  range: readonly [number, number] | 'auto',
): [number, number] {
  if (range !== 'auto') {
    if (!(range[1] > range[0]))
      throw new ArgumentError(op, `range must have low < high, got [${range.join(', ')}]`);
    return [range[0], range[1]];
  }
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < pixels.length; i++) {
    low = Math.min(low, pixels[i]!);
    high = Math.max(high, pixels[i]!);
  }
  return high > low ? [low, high] : [low, low + 1];
}
