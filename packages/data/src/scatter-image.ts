import { ArgumentError, ShapeError } from '@webgrad/core-tensor';
import { createRgbaImage, fillBlock, type Rgb, type RgbaImage } from './rgba-image.js';

/**
 * Ten distinguishable colours for class labels 0..9 (matplotlib's `tab10`),
 * the colours of `scatterImage`.
 */
export const CATEGORICAL_PALETTE: readonly Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

/** The rectangle of the plane a scatter image shows. */
export interface PlotBounds {
  /** Left edge. */
  xMin: number;
  /** Right edge. */
  xMax: number;
  /** Bottom edge. */
  yMin: number;
  /** Top edge. */
  yMax: number;
}

/** Options of `scatterImage`. */
export interface ScatterImageOptions {
  /** An integer class per point, coloured by `palette[label mod palette.length]` (default: all class 0). */
  labels?: ArrayLike<number>;
  /** Width and height in pixels (default 256 × 256). */
  size?: number | readonly [number, number];
  /** Side of the square drawn for each point, in pixels (default 3). */
  pointSize?: number;
  /** Colours of the classes (default `CATEGORICAL_PALETTE`). */
  palette?: readonly Rgb[];
  /** The region shown (default: the points' bounding box with a 5% margin). */
  bounds?: PlotBounds;
  /** Background colour (default white). */
  background?: Rgb;
  /** Draw the axes x = 0 and y = 0 in light grey when they are in view (default true). */
  axes?: boolean;
}

/**
 * Rasterises 2-D points as a scatter plot: `points` holds n pairs (x, y)
 * one after another ([n, 2] row-major), y growing upwards. Used for a VAE's
 * 2-D latent map (each digit class a colour) and for 2-D data and samples.
 *
 * @example
 * ```ts
 * const img = scatterImage(latentMeans, { labels: digitLabels, size: 320 });
 * await writePng('latent-map.png', encodePng(img));
 * ```
 */
export function scatterImage(
  points: ArrayLike<number>,
  options: ScatterImageOptions = {},
): RgbaImage {
  const op = 'scatterImage';
  if (points.length % 2 !== 0)
    throw new ShapeError(
      op,
      `expected [n, 2] points (an even number of values), got ${points.length} values`,
    );
  const n = points.length / 2;
  const labels = options.labels;
  if (labels !== undefined && labels.length !== n)
    throw new ShapeError(op, `expected one label per point (${n}), got ${labels.length}`);
  const [width, height] =
    typeof options.size === 'number' ? [options.size, options.size] : (options.size ?? [256, 256]);
  const pointSize = options.pointSize ?? 3;
  if (!Number.isInteger(pointSize) || pointSize < 1)
    throw new ArgumentError(op, `pointSize must be a positive integer, got ${pointSize}`);
  const palette = options.palette ?? CATEGORICAL_PALETTE;
  if (palette.length === 0) throw new ArgumentError(op, 'palette must have at least one colour');
  const b = options.bounds ?? dataBounds(points);
  if (!(b.xMax > b.xMin && b.yMax > b.yMin))
    throw new ArgumentError(
      op,
      `bounds must have xMin < xMax and yMin < yMax, got ${JSON.stringify(b)}`,
    );

  const image = createRgbaImage(width, height, options.background ?? [255, 255, 255]);
  const col = (x: number): number => Math.round(((x - b.xMin) / (b.xMax - b.xMin)) * (width - 1));
  const row = (y: number): number => Math.round(((b.yMax - y) / (b.yMax - b.yMin)) * (height - 1));
  if (options.axes ?? true) {
    const grey: Rgb = [210, 210, 210];
    if (b.xMin <= 0 && b.xMax >= 0)
      for (let r = 0; r < height; r++) fillBlock(image, col(0), r, 1, grey);
    if (b.yMin <= 0 && b.yMax >= 0)
      for (let c = 0; c < width; c++) fillBlock(image, c, row(0), 1, grey);
  }
  const offset = Math.floor(pointSize / 2);
  for (let i = 0; i < n; i++) {
    const x = points[2 * i]!;
    const y = points[2 * i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const label = labels === undefined ? 0 : labels[i]!;
    const colour = palette[((label % palette.length) + palette.length) % palette.length]!;
    fillBlock(image, col(x) - offset, row(y) - offset, pointSize, colour);
  }
  return image;
}

/** The bounding box of finite points with a 5% margin (a unit box around a single point). */
function dataBounds(points: ArrayLike<number>): PlotBounds {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i]!;
    const y = points[i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    xMin = Math.min(xMin, x);
    xMax = Math.max(xMax, x);
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  if (xMin === Infinity) return { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const mx = xMax > xMin ? 0.05 * (xMax - xMin) : 0.5;
  const my = yMax > yMin ? 0.05 * (yMax - yMin) : 0.5;
  return { xMin: xMin - mx, xMax: xMax + mx, yMin: yMin - my, yMax: yMax + my };
}
