import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Colours of a chart's series, in order. */
const COLOURS = ['#c03', '#1f5fa8', '#1a7f37', '#8250df'];

/** A y tick: plain for moderate values, in powers of ten for gradient norms like 1e-12. */
const tickLabel = (v: number | null): string =>
  v === null
    ? ''
    : v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)
      ? v.toExponential(0)
      : String(+v.toPrecision(3));

/** Options of `LineChart`. */
export interface LineChartOptions {
  /** Chart title. */
  title: string;
  /** Label of the x axis. */
  xLabel: string;
  /** Label of each series (one line each). */
  series: readonly string[];
  /** Logarithmic y axis (default true: losses and gradient norms span decades). */
  logY?: boolean;
  /** Size in CSS pixels (default 480 × 300). */
  width?: number;
  height?: number;
}

/**
 * A live line chart drawn by uPlot: one x value per point and one y value per
 * series. Points arrive faster than the screen refreshes, so redraws are
 * batched to one per animation frame.
 */
export class LineChart {
  private readonly plot: uPlot;
  private x: number[] = [];
  private ys: (number | null)[][];
  private pending = false;

  constructor(
    parent: HTMLElement,
    private readonly options: LineChartOptions,
  ) {
    const logY = options.logY ?? true;
    this.ys = options.series.map(() => []);
    this.plot = new uPlot(
      {
        title: options.title,
        width: options.width ?? 480,
        height: options.height ?? 300,
        scales: { x: { time: false }, y: logY ? { distr: 3 } : {} },
        axes: [{ label: options.xLabel }, { values: (_, ticks) => ticks.map(tickLabel), size: 56 }],
        series: [
          { label: options.xLabel },
          ...options.series.map((label, i) => ({
            label,
            stroke: COLOURS[i % COLOURS.length],
            width: 1.5,
            spanGaps: true,
          })),
        ],
      },
      [[], ...this.ys],
      parent,
    );
  }

  /** Adds one point: the x value and each series' y (non-positive or non-finite values are gaps on a log axis). */
  push(x: number, ys: readonly number[]): void {
    this.x.push(x);
    ys.forEach((y, i) => this.ys[i]!.push(this.plottable(y)));
    this.schedule();
  }

  /** Replaces every point. */
  set(x: readonly number[], ys: readonly (readonly number[])[]): void {
    this.x = [...x];
    this.ys = ys.map((series) => series.map((y) => this.plottable(y)));
    this.schedule();
  }

  /** Forgets every point. */
  clear(): void {
    this.set(
      [],
      this.ys.map(() => []),
    );
  }

  private plottable(y: number): number | null {
    return Number.isFinite(y) && (y > 0 || this.options.logY === false) ? y : null;
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.plot.setData([this.x, ...this.ys]);
    });
  }
}
