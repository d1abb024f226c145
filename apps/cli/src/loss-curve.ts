import { createRgbaImage, encodePng, fillBlock, type Rgb, type RgbaImage } from '@webgrad/data';

/** One line of a chart: y values at x = 0, 1, 2, … (or at `x` when given). */
export interface LineSeries {
  /** The values. */
  y: readonly number[];
  /** The x positions (default 1, 2, …, n). */
  x?: readonly number[];
  /** The colour. */
  color: Rgb;
}

/** Options of `lineChartPng`. */
export interface LineChartOptions {
  /** Image width in pixels (default 640). */
  width?: number;
  /** Image height in pixels (default 360). */
  height?: number;
  /** Plot log10(y) instead of y (non-positive values are left out). */
  logY?: boolean;
}

/** Colours for successive series. */
export const SERIES_COLORS: readonly Rgb[] = [
  [31, 119, 180],
  [214, 39, 40],
  [44, 160, 44],
  [255, 127, 14],
  [148, 103, 189],
];

const MARGIN = 24;
const BACKGROUND: Rgb = [255, 255, 255];
const AXIS: Rgb = [60, 60, 60];
const GRID: Rgb = [225, 225, 225];

/**
 * A line chart as PNG bytes: the series drawn as polylines on white with
 * axes and a light grid at 5 even steps (no text: the caller says in words
 * what the axes are). Used for the loss curve and the gradient-flow plot.
 *
 * @example
 * ```ts
 * writeFileSync('loss.png', lineChartPng([{ y: losses, color: SERIES_COLORS[0]! }]));
 * ```
 */
export function lineChartPng(series: readonly LineSeries[], options: LineChartOptions = {}): Uint8Array {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const image = createRgbaImage(width, height, BACKGROUND);
  const t = (v: number): number => (options.logY === true ? (v > 0 ? Math.log10(v) : NaN) : v);
  const points = series.map((s) =>
    s.y.map((v, i) => [s.x?.[i] ?? i + 1, t(v)] as const).filter(([, v]) => Number.isFinite(v)),
  );
  const all = points.flat();
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [x, y] of all) {
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  if (all.length === 0) [x0, x1, y0, y1] = [0, 1, 0, 1];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const px = (x: number): number => MARGIN + ((x - x0) / (x1 - x0)) * (width - 2 * MARGIN);
  const py = (y: number): number => height - MARGIN - ((y - y0) / (y1 - y0)) * (height - 2 * MARGIN);
  for (let k = 0; k <= 5; k++) {
    const gx = MARGIN + (k / 5) * (width - 2 * MARGIN);
    const gy = MARGIN + (k / 5) * (height - 2 * MARGIN);
    drawLine(image, gx, MARGIN, gx, height - MARGIN, GRID, 1);
    drawLine(image, MARGIN, gy, width - MARGIN, gy, GRID, 1);
  }
  drawLine(image, MARGIN, height - MARGIN, width - MARGIN, height - MARGIN, AXIS, 2);
  drawLine(image, MARGIN, MARGIN, MARGIN, height - MARGIN, AXIS, 2);
  points.forEach((pts, s) => {
    for (let i = 1; i < pts.length; i++) {
      const [a, b] = [pts[i - 1]!, pts[i]!];
      drawLine(image, px(a[0]), py(a[1]), px(b[0]), py(b[1]), series[s]!.color, 2);
    }
    if (pts.length === 1) fillBlock(image, Math.round(px(pts[0]![0])) - 1, Math.round(py(pts[0]![1])) - 1, 3, series[s]!.color);
  });
  return encodePng(image);
}

/** A straight segment of `size`-pixel dots from (xa, ya) to (xb, yb). */
function drawLine(image: RgbaImage, xa: number, ya: number, xb: number, yb: number, rgb: Rgb, size: number): void {
  const n = Math.max(1, Math.ceil(Math.max(Math.abs(xb - xa), Math.abs(yb - ya))));
  const half = Math.floor(size / 2);
  for (let i = 0; i <= n; i++) {
    const x = Math.round(xa + ((xb - xa) * i) / n);
    const y = Math.round(ya + ((yb - ya) * i) / n);
    fillBlock(image, x - half, y - half, size, rgb);
  }
}

/** The mean of the last `window` values at every position (fewer at the start). */
export function movingAverage(values: readonly number[], window: number): number[] {
  const smooth: number[] = [];
  let sum = 0;
  values.forEach((v, i) => {
    sum += v;
    if (i >= window) sum -= values[i - window]!;
    smooth.push(sum / Math.min(i + 1, window));
  });
  return smooth;
}

/** A smoothing window of about a tenth of a run of n steps, at most `window`. */
function smoothingWindow(n: number, window: number): number {
  return Math.max(1, Math.min(window, Math.floor(n / 10) || 1));
}

/**
 * The loss curve of a run as PNG bytes: the loss of every step, plus its
 * moving average over `window` steps, on a log scale.
 */
export function lossCurvePng(losses: readonly number[], window = 50): Uint8Array {
  return lineChartPng(
    [
      { y: losses, color: [170, 200, 230] },
      { y: movingAverage(losses, smoothingWindow(losses.length, window)), color: SERIES_COLORS[0]! },
    ],
    { logY: true },
  );
}

/**
 * Several runs' loss curves on one log-scale chart, each smoothed by a
 * moving average, in the colours of `SERIES_COLORS` (in order), plus an
 * optional grey horizontal line (a baseline to beat).
 */
export function lossCurvesPng(runs: readonly (readonly number[])[], options: { baseline?: number; window?: number } = {}): Uint8Array {
  const n = Math.max(...runs.map((r) => r.length), 1);
  const series: LineSeries[] = runs.map((losses, k) => ({
    y: movingAverage(losses, smoothingWindow(losses.length, options.window ?? 50)),
    color: SERIES_COLORS[k % SERIES_COLORS.length]!,
  }));
  if (options.baseline !== undefined) series.unshift({ y: [options.baseline, options.baseline], x: [1, n], color: [150, 150, 150] });
  return lineChartPng(series, { logY: true });
}
