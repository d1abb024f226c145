import { tidy, type Tensor } from 'webgrad';
import { initBackend } from './backend-status.js';
import { LossChart } from './loss-chart.js';
import { TrainingSession } from './training-session.js';

/** What a training page supplies; `mountTrainingPage` wires up the rest. */
export interface TrainingPage {
  /** Builds (or rebuilds) the model and optimizer; called once after the backend is ready and on reset. */
  build(): void;
  /** One optimisation step inside `tidy`, returning the loss tensor (a scalar). */
  lossStep(): Tensor;
  /** Redraws the page's own picture; called at first, on reset, and every `redrawEvery` steps. */
  redraw(): Promise<void>;
  /** Steps between redraws (default 5). */
  redrawEvery?: number;
}

/** Looks up an element of the page by id. */
export const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/**
 * Adds the elements every training page shares before the page's `.panels`
 * (the backend line, the buttons and the status line) and the loss chart
 * into it.
 */
function insertFrame(): void {
  const panels = document.querySelector('.panels')!;
  const frame = document.createElement('div');
  frame.innerHTML = `
    <p id="backend">backend: initialising…</p>
    <div class="controls">
      <button id="start" disabled>start</button>
      <button id="pause" disabled>pause</button>
      <button id="reset" disabled>reset</button>
      <span id="status">step 0</span>
      <span id="extra-status"></span>
    </div>`;
  panels.before(...Array.from(frame.children));
  const chart = document.createElement('canvas');
  Object.assign(chart, { id: 'loss-chart', width: 480, height: 320 });
  panels.append(chart);
}

/**
 * The common frame of every training page: initialises the backend and names
 * it in `#backend`, draws the loss in `#loss-chart`, reports progress in
 * `#status`, and wires the `#start`, `#pause` and `#reset` buttons.
 */
export async function mountTrainingPage(page: TrainingPage): Promise<TrainingSession> {
  insertFrame();
  const info = await initBackend(byId('backend'));
  const chart = new LossChart(byId<HTMLCanvasElement>('loss-chart'));
  const status = byId<HTMLElement>('status');
  page.build();
  const redrawEvery = page.redrawEvery ?? 5;
  const session = new TrainingSession(
    {
      async step() {
        const loss = tidy(() => page.lossStep());
        const value = Number((await loss.data())[0]);
        loss.dispose();
        return value;
      },
      async afterStep(step, loss) {
        chart.push(loss);
        if (step % redrawEvery === 0) await page.redraw();
      },
      reset() {
        page.build();
        chart.clear();
        void page.redraw();
      },
    },
    (text) => (status.textContent = text),
  );
  session.state.backend = info.name;
  await page.redraw();
  byId<HTMLButtonElement>('start').onclick = () => session.start();
  byId<HTMLButtonElement>('pause').onclick = () => session.pause();
  byId<HTMLButtonElement>('reset').onclick = () => session.reset();
  for (const id of ['start', 'pause', 'reset']) byId<HTMLButtonElement>(id).disabled = false;
  return session;
}
