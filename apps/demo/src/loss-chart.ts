/**
 * A live loss curve drawn straight on a canvas: the loss against the step, on a
 * log scale when it spans more than a decade, redrawn whenever a point is added.
 */
export class LossChart {
  private readonly losses: number[] = [];

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.draw();
  }

  /** Appends the loss of the next step and redraws. */
  push(loss: number): void {
    this.losses.push(loss);
    this.draw();
  }

  /** Forgets every point. */
  clear(): void {
    this.losses.length = 0;
    this.draw();
  }

  private draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const { width, height } = this.canvas;
    const pad = 40;
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.strokeStyle = '#888';
    ctx.strokeRect(pad, 10, width - pad - 10, height - pad - 10);
    ctx.fillStyle = '#333';
    ctx.font = '12px sans-serif';
    ctx.fillText('step', width / 2, height - 8);
    const finite = this.losses.filter((v) => Number.isFinite(v) && v > 0);
    if (finite.length === 0) {
      ctx.fillText('loss (press start)', pad + 8, 28);
      return;
    }
    const hi = Math.max(...finite);
    const lo = Math.min(...finite);
    const logScale = hi / lo > 10;
    const f = (v: number): number => (logScale ? Math.log10(v) : v);
    const top = f(hi);
    const bottom = logScale ? f(lo) : 0;
    const span = top - bottom || 1;
    const n = Math.max(this.losses.length - 1, 1);
    const x = (i: number): number => pad + ((width - pad - 10) * i) / n;
    const y = (v: number): number => 10 + (height - pad - 10) * (1 - (f(v) - bottom) / span);
    ctx.fillText(`${hi.toPrecision(3)}`, 2, 20);
    ctx.fillText(`${(logScale ? lo : 0).toPrecision(3)}`, 2, height - pad);
    ctx.fillText(
      `loss${logScale ? ' (log scale)' : ''}: ${this.losses[this.losses.length - 1]!.toPrecision(4)}`,
      pad + 8,
      28,
    );
    ctx.strokeStyle = '#c03';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    this.losses.forEach((v, i) => {
      if (!(Number.isFinite(v) && v > 0)) return;
      if (i === 0) ctx.moveTo(x(i), y(v));
      else ctx.lineTo(x(i), y(v));
    });
    ctx.stroke();
  }
}
