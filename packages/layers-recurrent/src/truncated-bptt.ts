import { ArgumentError, detach, Tensor } from '@webgrad/core-tensor';

/** Truncated BPTT(k2; k1) (Williams & Peng 1990): every k1 new steps, backpropagate through the last k2. */
export interface TruncatedBPTTOptions {
  /** Steps between parameter updates (> 0). */
  k1: number;
  /** Steps the gradient flows back through (≥ k1; default k1, which is "detach every k1 steps"). */
  k2?: number;
}

/** One update of truncated BPTT over a stream of steps 0..length−1. */
export interface TbpttWindow {
  /** Index of the window (0, 1, …). */
  index: number;
  /** First step of the forward pass; the state before it is carried in detached, so no gradient flows past it. */
  start: number;
  /** First step whose loss counts: the k1 new steps are [lossStart, end). */
  lossStart: number;
  /** One past the last step. */
  end: number;
  /** The next window starts here: carry the state after step carryAt − 1 (= end when k2 = k1). */
  carryAt: number;
}

/**
 * The windows of truncated BPTT(k2; k1) over `length` steps: window j
 * counts the loss of the k1 steps [j·k1, (j+1)·k1) and runs the forward pass
 * from max(0, (j+1)·k1 − k2), so every loss term's gradient reaches back at most
 * k2 steps. With k2 > k1 the k2 − k1 steps before lossStart are recomputed
 * (their state is carried from the previous window).
 *
 * @example
 * ```ts
 * tbpttWindows(10, { k1: 4 }).map((w) => [w.start, w.end]); // [[0, 4], [4, 8], [8, 10]]
 * ```
 */
export function tbpttWindows(length: number, options: TruncatedBPTTOptions): TbpttWindow[] {
  const { k1, k2 } = checkOptions(options);
  if (!Number.isInteger(length) || length < 0) throw new ArgumentError('tbpttWindows', `length must be a non-negative integer, got ${length}`);
  const out: TbpttWindow[] = [];
  for (let lossStart = 0, index = 0; lossStart < length; lossStart += k1, index++) {
    const end = Math.min(length, lossStart + k1);
    // k2 back from the window's nominal end, so a short last window is not stretched back further
    const start = Math.max(0, lossStart + k1 - k2);
    out.push({ index, start, lossStart, end, carryAt: Math.max(start, end + k1 - k2) });
  }
  return out;
}

/** A recurrent state: a tensor, or arrays / plain objects of tensors (an LSTM's [h, c]), or null. */
export type StateTree = Tensor | null | readonly StateTree[] | { readonly [key: string]: StateTree };

/**
 * The same state with every tensor detached from the autograd graph: the
 * values carry over, the gradient path is cut (stateful training). Tensors
 * inside arrays and plain objects (a `StateTree`) are detached; other values
 * are kept as they are.
 *
 * @example
 * ```ts
 * state = detachState(hN); // or detachState([h, c])
 * ```
 */
export function detachState<S>(state: S): S {
  if (state instanceof Tensor) return detach(state) as S;
  if (Array.isArray(state)) return state.map((s: unknown) => detachState(s)) as unknown as S;
  if (state !== null && typeof state === 'object' && Object.getPrototypeOf(state) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(state)) out[k] = detachState(v);
    return out as S;
  }
  return state;
}

/** What one window's forward pass gives back to `TruncatedBPTT`. */
export interface TbpttSegmentResult<S> {
  /** The loss of steps [lossStart, end) (what `update` backpropagates). */
  loss: Tensor;
  /** The state after step carryAt − 1, to start the next window from. */
  carry: S;
}

/**
 * Stateful truncated backpropagation through time over long streams. The
 * state is carried across windows and across calls of `run` (consecutive
 * chunks of one stream), detached at every window start, until `reset()`.
 *
 * @example
 * ```ts
 * const tbptt = new TruncatedBPTT<LSTMState>({ k1: 32, k2: 64 });
 * tbptt.run(stream.length, (w, state) => {
 *   const r = lstm.run(slice(w.start, w.end), ...(state ?? [null, null]), undefined, { keepStates: true });
 *   return { loss: lossOf(r, w.lossStart - w.start), carry: stateAt(r, w.carryAt - w.start - 1) };
 * }, (loss) => { opt.zeroGrad(); loss.backward(); opt.step(); });
 * ```
 */
export class TruncatedBPTT<S> {
  /** k1: steps between updates. */
  readonly k1: number;
  /** k2: steps the gradient flows back through. */
  readonly k2: number;
  /** The state carried into the next window (null before the first, or after `reset`). */
  state: S | null = null;

  /** Checks k1 > 0 and k2 ≥ k1. */
  constructor(options: TruncatedBPTTOptions) {
    ({ k1: this.k1, k2: this.k2 } = checkOptions(options));
  }

  /**
   * Runs every window of a stream of `length` steps: `segment(window,
   * state)` runs the model over [window.start, window.end) from the carried
   * `state` and returns its loss and the state at window.carryAt; `update`
   * then gets the loss (to backpropagate and step an optimizer). Returns the
   * losses, one per window.
   */
  run(length: number, segment: (window: TbpttWindow, state: S | null) => TbpttSegmentResult<S>, update: (loss: Tensor, window: TbpttWindow) => void): number[] {
    const losses: number[] = [];
    for (const w of tbpttWindows(length, { k1: this.k1, k2: this.k2 })) {
      const { loss, carry } = segment(w, this.state);
      update(loss, w);
      losses.push(loss.item());
      this.state = detachState(carry);
    }
    return losses;
  }

  /** Forgets the carried state (the next window starts from the initial state). */
  reset(): void {
    this.state = null;
  }
}

function checkOptions(options: TruncatedBPTTOptions): { k1: number; k2: number } {
  const k1 = options.k1;
  const k2 = options.k2 ?? k1;
  if (!Number.isInteger(k1) || k1 < 1) throw new ArgumentError('TruncatedBPTT', `k1 must be a positive integer, got ${k1}`);
  if (!Number.isInteger(k2) || k2 < k1) throw new ArgumentError('TruncatedBPTT', `k2 must be an integer ≥ k1 = ${k1}, got ${k2}`);
  return { k1, k2 };
}
