import type { BackendChoice } from 'webgrad';

/** The backend a worker's tensors run on, as `init` reported it. */
export interface BackendReport {
  /** `cpu` or `webgpu`. */
  name: string;
  /** The adapter or CPU path. */
  device: string;
  /** Why it was chosen. */
  reason?: string;
}

/**
 * What a page's worker answers besides training: named asynchronous calls
 * (generate text, draw samples), each taking one structured-clonable argument.
 */
export type RequestMap = Record<string, (arg: never) => Promise<unknown>>;

/** Messages from a page to its training worker. */
export type ToWorker =
  | { type: 'init'; backend: BackendChoice }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'reset' }
  | { type: 'request'; id: number; name: string; arg: unknown };

/** Messages from a training worker to its page; `V` is the page's picture data. */
export type FromWorker<V> =
  | { type: 'ready'; backend: BackendReport; view: V }
  | { type: 'step'; step: number; losses: number[]; liveTensors: number }
  | { type: 'view'; step: number; view: V }
  | { type: 'paused'; step: number }
  | { type: 'reset'; view: V }
  | { type: 'reply'; id: number; value?: unknown; error?: string }
  | { type: 'error'; message: string };
