import { ArgumentError, concat, expand, eye, reshape, select, tidy, transpose, unsqueeze, zeros, type Tensor } from '@webgrad/core-tensor';
import { gradients, noGrad } from '@webgrad/autograd';
import { spectralNorm, spectralRadius } from './eigenvalues.js';
import { projectInput, recurrentStep, type RecurrentMode, type RecurrentState, type RecurrentWeights } from './recurrent-step.js';
import type { RNNBase, RecurrentRun } from './rnn-base.js';
import type { SequenceOptions } from './sequence-mask.js';

/** The initial states and padding of a diagnostic run (as `RNNBase.run` takes them). */
export interface FlowRunOptions {
  /** Initial hidden states [L·D, B, P] (zeros when omitted). */
  h0?: Tensor | null;
  /** Initial LSTM cell states [L·D, B, H]. */
  c0?: Tensor | null;
  /** Lengths or mask of a padded batch. */
  sequence?: SequenceOptions;
}

/** Per-step gradient norms of a loss with respect to the hidden states. */
export interface HiddenGradientNorms {
  /** ‖∂L/∂h_t‖ (over the batch and features) by layer, direction and time step t. */
  norms: number[][][];
  /** The loss value. */
  loss: number;
}

/**
 * ‖∂L/∂h_t‖ for every step t of every layer and direction: how much of the
 * loss's gradient reaches each hidden state. With a loss on the last step
 * only, the norms show vanishing (decaying towards t = 0) or exploding
 * gradients directly, as numbers ready to plot. `loss` maps the run (output
 * and final states) to a one-element tensor. Asynchronous, because the
 * numbers are read back from the layer's backend (WebGPU included).
 *
 * @example
 * ```ts
 * const { norms } = await hiddenGradientNorms(rnn, x, (r) => r.output.select(0, -1).sum());
 * norms[0][0]; // ‖∂L/∂h_t‖ for t = 0..T−1 of layer 0
 * ```
 */
export async function hiddenGradientNorms(layer: RNNBase, input: Tensor, loss: (run: RecurrentRun) => Tensor, options: FlowRunOptions = {}): Promise<HiddenGradientNorms> {
  // the graph is built and differentiated in one tidy scope: only the gradients and the loss
  // value survive it, and they are freed once read back
  const { grads, value, steps } = tidy(() => {
    const run = layer.run(input, options.h0 ?? null, options.c0 ?? null, options.sequence, { keepStates: true });
    const L = loss(run);
    if (L.size !== 1) throw new ArgumentError('hiddenGradientNorms', `the loss must be a one-element tensor, got shape [${L.shape.join(', ')}]`);
    const states = run.states!;
    const hs = states.flatMap((dirs) => dirs.flatMap((ss) => ss.map((s) => s.h)));
    // only the part of the graph between the loss and the states runs; the tidy scope frees the
    // tensors saved by the nodes that lead only to the weights
    const gs = gradients(L, hs, { allowUnused: true });
    return { grads: gs, value: L.detach(), steps: states.map((dirs) => dirs.map((ss) => ss.length)) };
  });
  try {
    const norms: number[][][] = [];
    let k = 0;
    for (const dirs of steps) {
      const byDirection: number[][] = [];
      for (const T of dirs) {
        const byStep: number[] = [];
        for (let t = 0; t < T; t++) byStep.push(await l2(grads[k++]));
        byDirection.push(byStep);
      }
      norms.push(byDirection);
    }
    return { norms, loss: await value.itemAsync() };
  } finally {
    for (const g of grads) g?.dispose();
    value.dispose();
  }
}

/** Which recurrence to differentiate, and what to return. */
export interface RecurrentJacobianOptions extends FlowRunOptions {
  /** Layer (default 0). */
  layer?: number;
  /** Direction (default 0, forward). */
  direction?: number;
  /** Which sequence of the batch (default 0). */
  sample?: number;
  /** Also return every Jacobian as an N×N row-major Float64Array (default false). */
  keepMatrices?: boolean;
}

/** Spectral facts of the recurrent Jacobians of one sequence, in processing order. */
export interface RecurrentJacobians {
  /** N, the size of the state s (h; [h; c] for an LSTM). */
  stateSize: number;
  /** ρ(J_k) for each step k, J_k = ∂s_k/∂s_{k−1}. */
  spectralRadius: number[];
  /** ‖J_k‖₂ for each step k. */
  spectralNorm: number[];
  /**
   * ‖J_{T−1} ⋯ J_k‖₂ = ‖∂s_{T−1}/∂s_{k−1}‖₂: the factor by which a gradient at
   * the last state can grow on its way back to the state before step k.
   */
  productNorm: number[];
  /** With `keepMatrices`: each J_k. */
  matrices?: Float64Array[];
}

/**
 * The recurrent Jacobians J_k = ∂s_k/∂s_{k−1} of one layer and direction
 * along one sequence of `input`, exactly (one batched backward pass per
 * step, see `stepJacobian`), with their spectral radii and norms and the
 * norms of their products: ∂L/∂s_k = (J_{T−1} ⋯ J_{k+1})ᵀ ∂L/∂s_{T−1}, so
 * products that shrink geometrically mean vanishing gradients and products
 * that grow mean exploding ones. Asynchronous: the Jacobians are read back
 * from the layer's backend.
 *
 * @example
 * ```ts
 * const { spectralRadius, productNorm } = await recurrentJacobians(rnn, x);
 * ```
 */
export async function recurrentJacobians(layer: RNNBase, input: Tensor, options: RecurrentJacobianOptions = {}): Promise<RecurrentJacobians> {
  const li = options.layer ?? 0;
  const d = options.direction ?? 0;
  const b = options.sample ?? 0;
  const w = layer.weights(li, d);
  // every Jacobian is built in one tidy scope (only the matrices survive it) and then read back
  const jacobians = tidy(() => {
    const { steps, states, initial } = noGrad(() => {
      const run = layer.run(input, options.h0 ?? null, options.c0 ?? null, options.sequence, { keepStates: true });
      const st = run.states!;
      // the layer's input: the network input, or the layer below's states (equal to its outputs in eval mode)
      let x = input.rank === 2 ? unsqueeze(input, 1) : layer.batchFirst ? transpose(input, 0, 1) : input;
      if (li > 0) x = concat(st[li - 1]!.map((dir) => concat(dir.map((s) => s.h), 0)), 2);
      const k = li * layer.numDirections + d;
      const pick = (t: Tensor | null | undefined): Tensor | null => (t ? (input.rank === 2 ? unsqueeze(select(t, 0, k), 0) : select(t, 0, k)) : null);
      const h0 = pick(options.h0);
      const c0 = pick(options.c0);
      return { steps: projectInput(layer.mode, w, x), states: st[li]![d]!, initial: { h: h0, c: c0 } };
    });
    const T = states.length;
    const B = steps.shape[1]!;
    if (!Number.isInteger(b) || b < 0 || b >= B) throw new ArgumentError('recurrentJacobians', `sample ${b} is out of range for a batch of ${B}`);
    const order = Array.from({ length: T }, (_, k) => (d === 1 ? T - 1 - k : k));
    const sampleState = (s: RecurrentState): RecurrentState => ({ h: select(select(s.h, 0, 0), 0, b), c: s.c ? select(select(s.c, 0, 0), 0, b) : null });
    const zero = (n: number): Tensor => zeros([n], { dtype: steps.dtype, backend: steps.backend.name });
    let prev: RecurrentState = {
      h: initial.h ? select(initial.h, 0, b) : zero(layer.outputHiddenSize),
      c: layer.mode === 'LSTM' ? (initial.c ? select(initial.c, 0, b) : zero(layer.hiddenSize)) : null,
    };
    const js: Tensor[] = [];
    for (const t of order) {
      const gi = noGrad(() => select(select(steps, 0, t), 0, b));
      js.push(stepJacobianTensor(layer.mode, w, gi, prev));
      prev = sampleState(states[t]!);
    }
    return js;
  });
  const mats: Float64Array[] = [];
  try {
    for (const J of jacobians) mats.push(Float64Array.from(await J.data()));
  } finally {
    for (const J of jacobians) J.dispose();
  }
  const P = layer.outputHiddenSize;
  const H = layer.hiddenSize;
  const N = layer.mode === 'LSTM' ? P + H : P;
  const out: RecurrentJacobians = {
    stateSize: N,
    spectralRadius: mats.map((m) => spectralRadius({ n: N, data: m })),
    spectralNorm: mats.map((m) => spectralNorm({ n: N, data: m })),
    productNorm: productNorms(mats, N),
  };
  if (options.keepMatrices) out.matrices = mats;
  return out;
}

/**
 * The exact Jacobian ∂s′/∂s of one recurrent step at state `state` with
 * projected input `gi` ([G·H], see `projectInput`), for one sequence; s = h,
 * or [h; c] for an LSTM. The state is replicated N times as a batch and one
 * backward pass with the identity as output gradient gives all N rows.
 * Resolves to the N×N matrix row-major: J[i·N + j] = ∂s′_i/∂s_j.
 */
export async function stepJacobian(mode: RecurrentMode, w: RecurrentWeights, gi: Tensor, state: RecurrentState): Promise<Float64Array> {
  const J = tidy(() => stepJacobianTensor(mode, w, gi, state));
  try {
    return Float64Array.from(await J.data());
  } finally {
    J.dispose();
  }
}

/** `stepJacobian`'s matrix as an [N, N] tensor on the weights' backend. */
function stepJacobianTensor(mode: RecurrentMode, w: RecurrentWeights, gi: Tensor, state: RecurrentState): Tensor {
  const P = state.h.shape[0]!;
  const H = state.c ? state.c.shape[0]! : 0;
  const N = P + H;
  const rep = (v: Tensor): Tensor => expand(reshape(v, [1, v.shape[0]!]), [N, v.shape[0]!]).detach().clone().requiresGrad_(true);
  const h = rep(state.h);
  const c = state.c ? rep(state.c) : null;
  const next = recurrentStep(mode, w, expand(reshape(gi.detach(), [1, gi.shape[0]!]), [N, gi.shape[0]!]), { h, c });
  const out = next.c ? concat([next.h, next.c], 1) : next.h;
  const id = eye(N, N, { dtype: out.dtype, backend: out.backend.name });
  const gs = gradients(out, c ? [h, c] : [h], { gradOutputs: [id], allowUnused: true });
  return gs.length === 2 ? concat(gs, 1) : gs[0]!;
}

function productNorms(mats: readonly Float64Array[], N: number): number[] {
  const T = mats.length;
  const norms = new Array<number>(T);
  // M = J_{T−1} ⋯ J_k, built right to left: M ← M·J_k
  let M = new Float64Array(N * N);
  for (let i = 0; i < N; i++) M[i * N + i] = 1;
  for (let k = T - 1; k >= 0; k--) {
    const J = mats[k]!;
    const next = new Float64Array(N * N);
    for (let i = 0; i < N; i++) {
      for (let l = 0; l < N; l++) {
        const m = M[i * N + l]!;
        if (m === 0) continue;
        for (let j = 0; j < N; j++) next[i * N + j]! += m * J[l * N + j]!;
      }
    }
    M = next;
    norms[k] = spectralNorm({ n: N, data: M });
  }
  return norms;
}

/** ‖g‖ in double precision on the host; an unused state (no gradient) has norm 0. */
async function l2(t: Tensor | null | undefined): Promise<number> {
  if (!t) return 0;
  const v = await t.data();
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}
