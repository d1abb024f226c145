import { backendChoice, showBackend } from './backend-status.js';
import { LineChart } from './line-chart.js';
import type { FromWorker, RequestMap, ToWorker } from './worker/protocol.js';

/** What a page exposes to the browser test (and to anyone in the console) as `window.webgradDemo`. */
export interface DemoState {
  /** The backend the worker's tensors run on, once initialised. */
  backend: string | null;
  /** Steps trained since the last reset. */
  steps: number;
  /** The first series' loss of every step since the last reset. */
  losses: number[];
  /** Every series' loss of every step since the last reset. */
  series: number[][];
  /** Live tensors in the worker after each step since the last reset (a leak shows as growth). */
  liveTensors: number[];
  /** Whether the worker is training. */
  running: boolean;
  /** Views (pictures) drawn since the page loaded. */
  views: number;
  /** Animation frames drawn since the page loaded (samplers). */
  frames: number;
}

declare global {
  interface Window {
    webgradDemo?: DemoState;
  }
}

/** Options of `mountWorkerPage`. */
export interface WorkerPageOptions<V> {
  /** The page's trainer: `src/trainers/<trainer>.ts`, run in the training worker. */
  trainer: string;
  /** Label of each loss series (default `['loss']`). */
  series?: readonly string[];
  /** Draws the worker's view. */
  render(view: V): void | Promise<void>;
}

/** The mounted page: its state, and calls into its worker. */
export interface WorkerPage<R extends RequestMap> {
  /** Shared with the test. */
  readonly state: DemoState;
  /** Calls the worker's request `name` (run between training steps) and resolves to its answer. */
  request<K extends keyof R & string>(
    name: K,
    arg: Parameters<R[K]>[0],
  ): Promise<Awaited<ReturnType<R[K]>>>;
}

/** Looks up an element of the page by id. */
export const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/**
 * Adds the elements every training page shares before the page's `.panels`
 * (the backend line, the buttons and the status line) and a chart box into it.
 */
function insertFrame(): HTMLElement {
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
  const chart = document.createElement('div');
  chart.id = 'loss-chart';
  panels.append(chart);
  return chart;
}

/**
 * The common frame of every page: starts the page's trainer in a worker on the
 * backend the URL asks for and names it in `#backend`, charts the losses
 * (uPlot) in `#loss-chart`, reports progress in `#status`, wires the
 * `#start`, `#pause` and `#reset` buttons, and draws each view the worker
 * sends. The page's thread only draws: all tensor work is in the worker.
 */
export function mountWorkerPage<V, R extends RequestMap = RequestMap>(
  options: WorkerPageOptions<V>,
): WorkerPage<R> {
  const { render } = options;
  const worker = new Worker(new URL('./worker/training.worker.ts', import.meta.url), {
    type: 'module',
    name: options.trainer,
  });
  const labels = options.series ?? ['loss'];
  const chart = new LineChart(insertFrame(), {
    title: 'training loss',
    xLabel: 'step',
    series: labels,
  });
  const status = byId<HTMLElement>('status');
  const state: DemoState = {
    backend: null,
    steps: 0,
    losses: [],
    series: labels.map(() => []),
    liveTensors: [],
    running: false,
    views: 0,
    frames: 0,
  };
  window.webgradDemo = state;
  const send = (message: ToWorker): void => worker.postMessage(message);
  const replies = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 0;
  let resetting = false;
  // views are drawn one at a time, in order
  let drawing: Promise<void> = Promise.resolve();
  const draw = (view: V): void => {
    drawing = drawing.then(async () => {
      await render(view);
      state.views++;
    });
    drawing.catch((e: unknown) => console.error(e));
  };

  worker.onerror = (event) => console.error(`training worker failed: ${event.message}`);
  worker.onmessage = (event: MessageEvent<FromWorker<V>>) => {
    const message = event.data;
    switch (message.type) {
      case 'ready':
        state.backend = message.backend.name;
        showBackend(byId('backend'), message.backend);
        draw(message.view);
        for (const id of ['start', 'pause', 'reset']) byId<HTMLButtonElement>(id).disabled = false;
        break;
      case 'step': {
        if (resetting) break; // a step that finished before the worker saw the reset
        const { step, losses } = message;
        state.steps = step;
        losses.forEach((loss, i) => state.series[i]!.push(loss));
        state.losses.push(losses[0]!);
        state.liveTensors.push(message.liveTensors);
        chart.push(step, losses);
        status.textContent = state.running
          ? `step ${step}, loss ${losses.map((l) => l.toPrecision(4)).join(' / ')}`
          : `paused at step ${step}`;
        break;
      }
      case 'view':
        draw(message.view);
        break;
      case 'paused':
        status.textContent = `paused at step ${message.step}`;
        break;
      case 'reset':
        resetting = false;
        draw(message.view);
        break;
      case 'reply': {
        const waiting = replies.get(message.id);
        replies.delete(message.id);
        if (message.error !== undefined) waiting?.reject(new Error(message.error));
        else waiting?.resolve(message.value);
        break;
      }
      case 'error':
        state.running = false;
        status.textContent = `stopped: ${message.message}`;
        console.error(`training worker: ${message.message}`);
        break;
    }
  };

  byId<HTMLButtonElement>('start').onclick = () => {
    state.running = true;
    send({ type: 'start' });
  };
  byId<HTMLButtonElement>('pause').onclick = () => {
    state.running = false;
    send({ type: 'pause' });
    status.textContent = `paused at step ${state.steps}`;
  };
  byId<HTMLButtonElement>('reset').onclick = () => {
    state.running = false;
    resetting = true;
    state.steps = 0;
    state.losses = [];
    state.series = labels.map(() => []);
    state.liveTensors = [];
    chart.clear();
    send({ type: 'reset' });
    status.textContent = 'step 0';
  };
  send({ type: 'init', backend: backendChoice() });

  return {
    state,
    request(name, arg) {
      const id = nextId++;
      send({ type: 'request', id, name, arg });
      return new Promise((resolve, reject) =>
        replies.set(id, { resolve: resolve as (v: unknown) => void, reject }),
      );
    },
  };
}
