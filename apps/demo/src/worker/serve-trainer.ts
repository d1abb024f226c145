import { init, memory, tidy, type Tensor } from 'webgrad';
import type { FromWorker, RequestMap, ToWorker } from './protocol.js';

/** What a page's worker module supplies; `serveTrainer` runs the loop and the messages. */
export interface Trainer<V, R extends RequestMap = RequestMap> {
  /** Builds (or rebuilds, on reset) the model and optimizer from a fixed seed. */
  build(): void | Promise<void>;
  /** One optimisation step; resolves to one loss per chart series. */
  step(): Promise<number[]>;
  /** The page's picture data for the current model (sent at first, on reset and every `viewEvery` steps). */
  view(): Promise<V>;
  /** Steps between views. */
  viewEvery: number;
  /** Calls the page can make (run between training steps, never during one). */
  requests?: R;
}

/** What a training step needs of an optimizer (every `webgrad` optimizer has it). */
export interface StepOptimizer {
  zeroGrad(): void;
  step(): unknown;
}

/**
 * One training step inside `tidy`: zero the gradients, compute the loss
 * (`lossOf`), backpropagate, update; resolves to the loss, read back
 * asynchronously so it works on WebGPU too.
 */
export async function trainStep(optimizer: StepOptimizer, lossOf: () => Tensor): Promise<number> {
  const loss = tidy(() => {
    optimizer.zeroGrad();
    const l = lossOf();
    l.backward();
    optimizer.step();
    return l.detach();
  });
  try {
    return Number((await loss.data())[0]);
  } finally {
    loss.dispose();
  }
}

/**
 * Runs inside a dedicated Web Worker: initialises webgrad on the backend the
 * page asks for (WebGPU through the worker's `navigator.gpu`, else the CPU),
 * creates the trainer, and trains while the page says so, posting each step's
 * losses and, every `viewEvery` steps, the trainer's view. Training and
 * requests take turns on one queue, so a request never sees half a step.
 */
export function serveTrainer<V, R extends RequestMap>(
  create: () => Trainer<V, R> | Promise<Trainer<V, R>>,
): void {
  const post = (message: FromWorker<V>): void => postMessage(message);
  let trainer: Trainer<V, R> | undefined;
  let running = false;
  let steps = 0;
  let generation = 0;
  let queue: Promise<unknown> = Promise.resolve();
  /** Runs `task` after everything queued before it. */
  const enqueue = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  };
  const fail = (error: unknown): void => {
    running = false;
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  };

  async function loop(mine: number): Promise<void> {
    while (running && mine === generation) {
      const t = trainer!;
      await enqueue(async () => {
        if (!running || mine !== generation) return;
        const losses = await t.step();
        if (mine !== generation) return; // reset while it ran: the step no longer counts
        steps++;
        post({ type: 'step', step: steps, losses, liveTensors: memory().numTensors });
        if (steps % t.viewEvery === 0) post({ type: 'view', step: steps, view: await t.view() });
      });
      // a macrotask: lets 'pause' and requests arrive between steps
      await new Promise((resolve) => setTimeout(resolve));
    }
    if (mine === generation) post({ type: 'paused', step: steps });
  }

  onmessage = (event: MessageEvent<ToWorker>) => {
    const message = event.data;
    switch (message.type) {
      case 'init':
        void enqueue(async () => {
          const info = await init({ backend: message.backend });
          trainer = await create();
          await trainer.build();
          post({
            type: 'ready',
            backend: { name: info.name, device: info.device, reason: info.reason },
            view: await trainer.view(),
          });
        }).catch(fail);
        break;
      case 'start':
        if (running || trainer === undefined) return;
        running = true;
        void loop(generation).catch(fail);
        break;
      case 'pause':
        running = false;
        break;
      case 'reset':
        running = false;
        generation++;
        void enqueue(async () => {
          steps = 0;
          await trainer!.build();
          post({ type: 'reset', view: await trainer!.view() });
        }).catch(fail);
        break;
      case 'request': {
        const handler = trainer?.requests?.[message.name] as
          ((arg: unknown) => Promise<unknown>) | undefined;
        void enqueue(async () => {
          if (handler === undefined) throw new Error(`the worker has no request '${message.name}'`);
          return handler(message.arg);
        }).then(
          (value) => post({ type: 'reply', id: message.id, value }),
          (error: unknown) =>
            post({
              type: 'reply',
              id: message.id,
              error: error instanceof Error ? error.message : String(error),
            }),
        );
        break;
      }
    }
  };
}
