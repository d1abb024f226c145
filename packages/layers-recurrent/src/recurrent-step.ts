import { add, ArgumentError, relu, tanh, where, zerosLike, type Tensor } from '@webgrad/core-tensor';
import { gruCellUpdate } from './gru-cell-update.js';
import { linearProjection } from './linear-projection.js';
import { lstmCellUpdate } from './lstm-cell-update.js';
import { RecurrentProjection } from './recurrent-projection.js';

/** The recurrence a layer runs: PyTorch's modes (`RNN_TANH`, `RNN_RELU`, `LSTM`, `GRU`). */
export type RecurrentMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** The parameters of one layer and direction, PyTorch's layout (gates stacked along the rows). */
export interface RecurrentWeights {
  /** W_ih, [G·H, input]. */
  readonly weightIh: Tensor;
  /** W_hh, [G·H, P] (P = projSize or H). */
  readonly weightHh: Tensor;
  /** b_ih, [G·H], or null without bias. */
  readonly biasIh: Tensor | null;
  /** b_hh, [G·H], or null without bias. */
  readonly biasHh: Tensor | null;
  /** W_hr, [P, H], the LSTM projection, or null. */
  readonly weightHr: Tensor | null;
}

/** A recurrent state: h, and c for an LSTM (null otherwise). */
export interface RecurrentState {
  /** The hidden state (the output of the step). */
  readonly h: Tensor;
  /** The LSTM cell state; null for RNN and GRU. */
  readonly c: Tensor | null;
}

/** The plain-RNN mode of a nonlinearity option ('tanh' by default), or an error naming `op`. */
export function elmanMode(op: string, nonlinearity: 'tanh' | 'relu' | undefined): 'RNN_TANH' | 'RNN_RELU' {
  const f = nonlinearity ?? 'tanh';
  if (f !== 'tanh' && f !== 'relu') throw new ArgumentError(op, `unknown nonlinearity '${String(f)}' (expected 'tanh' or 'relu')`);
  return f === 'tanh' ? 'RNN_TANH' : 'RNN_RELU';
}

/** Number of stacked gate blocks G in the weights: 4 for LSTM, 3 for GRU, 1 for RNN. */
export function gateCount(mode: RecurrentMode): number {
  return mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1;
}

/**
 * The input projection gi = x·W_ihᵀ + b for every step at once. For RNN and
 * LSTM, b = b_ih + b_hh (both biases add to the same pre-activation); a GRU
 * keeps b_hh for the step, where the reset gate multiplies it.
 */
export function projectInput(mode: RecurrentMode, w: RecurrentWeights, x: Tensor): Tensor {
  let bias = w.biasIh;
  if (mode !== 'GRU' && w.biasHh) bias = bias ? add(bias, w.biasHh) : w.biasHh;
  return linearProjection(x, w.weightIh, bias);
}

/**
 * One recurrent step from the projected input `gi` (see `projectInput`):
 * the state after reading one element of the sequence. `project` computes
 * h·W_hhᵀ (default: a plain matmul; the sequence runner passes a
 * `RecurrentProjection`).
 */
export function recurrentStep(mode: RecurrentMode, w: RecurrentWeights, gi: Tensor, state: RecurrentState, project?: (h: Tensor) => Tensor): RecurrentState {
  const gh = project ? project(state.h) : linearProjection(state.h, w.weightHh);
  switch (mode) {
    case 'LSTM': {
      const { h, c } = lstmCellUpdate(gi, gh, state.c!);
      return { h: w.weightHr ? linearProjection(h, w.weightHr) : h, c };
    }
    case 'GRU':
      return { h: gruCellUpdate(gi, gh, state.h, w.biasHh), c: null };
    case 'RNN_TANH':
      return { h: tanh(add(gi, gh)), c: null };
    case 'RNN_RELU':
      return { h: relu(add(gi, gh)), c: null };
  }
}

/** Called with every step's state (after masking), for diagnostics. */
export type StepObserver = (t: number, state: RecurrentState) => void;

/** The result of running one direction of one layer over a sequence. */
export interface DirectionResult {
  /** Per time step (in time order, also for the reverse direction): the output [1, B, P]. */
  readonly outputs: Tensor[];
  /** The final state. */
  readonly state: RecurrentState;
}

/**
 * Runs the recurrence over precomputed input projections `steps` (T tensors
 * of [1, B, G·H]) from `state`, forward or in reverse. Where `masks[t]` marks
 * padded rows, the state passes through unchanged and the output is zero, so
 * padding neither changes results nor receives gradient (packed sequences).
 */
export function runDirection(
  mode: RecurrentMode,
  w: RecurrentWeights,
  steps: readonly Tensor[],
  initial: RecurrentState,
  reverse: boolean,
  masks: { readonly masks: readonly (Tensor | null)[]; readonly empty: readonly boolean[] } | null,
  observe?: StepObserver,
): DirectionResult {
  const T = steps.length;
  const outputs = new Array<Tensor>(T);
  const recurrent = new RecurrentProjection(w.weightHh);
  const project = (h: Tensor): Tensor => recurrent.apply(h);
  let state = initial;
  let zeroOut: Tensor | null = null;
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const m = masks ? masks.masks[t]! : null;
    if (masks?.empty[t]) {
      zeroOut ??= zerosLike(state.h);
      outputs[t] = zeroOut;
      observe?.(t, state);
      continue;
    }
    const next = recurrentStep(mode, w, steps[t]!, state, project);
    if (m === null) {
      state = next;
      outputs[t] = next.h;
    } else {
      outputs[t] = where(m, next.h, 0);
      state = { h: where(m, next.h, state.h), c: next.c && state.c ? where(m, next.c, state.c) : null };
    }
    observe?.(t, state);
  }
  return { outputs, state };
}
