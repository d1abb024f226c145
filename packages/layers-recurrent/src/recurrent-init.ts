import { ArgumentError, add, concat, fromTypedArray, mul, zeros } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { eye_, normal_, orthogonal_, zeros_, type Parameter } from '@webgrad/nn';
import { gateCount } from './recurrent-step.js';
import type { RNNBase } from './rnn-base.js';
import type { RNNCellBase } from './rnn-cell-base.js';

/** Options of `orthogonalRecurrentInit_`. */
export interface OrthogonalInitOptions {
  /** Scale of each orthogonal block (default 1: every singular value of each W_h· block is exactly `gain`). */
  gain?: number;
}

/**
 * Re-initialises every recurrent weight W_hh of a layer or cell with an
 * orthogonal matrix per gate block (each [H, P] block of the stacked
 * [G·H, P] matrix gets its own), so ‖W_h·v‖ = gain·‖v‖: the linear part of
 * the recurrence neither shrinks nor grows the state, the standard remedy
 * for vanishing and exploding gradients at initialisation (Saxe et al. 2014).
 *
 * @example
 * ```ts
 * const rnn = orthogonalRecurrentInit_(new RNN(8, 64));
 * ```
 */
export function orthogonalRecurrentInit_<M extends RNNBase | RNNCellBase>(module: M, options: OrthogonalInitOptions = {}): M {
  const gain = options.gain ?? 1;
  const G = gateCount(module.mode);
  noGrad(() => {
    for (const w of recurrentWeights(module)) {
      const rows = w.shape[0]! / G;
      const blocks = Array.from({ length: G }, () => orthogonal_(zeros([rows, w.shape[1]!], { dtype: w.dtype, backend: w.backend.name }), gain));
      w.assign_(G === 1 ? blocks[0]! : concat(blocks, 0));
    }
  });
  return module;
}

/** Options of `identityRecurrentInit_`. */
export interface IdentityInitOptions {
  /** W_hh = scale·I (default 1). */
  scale?: number;
  /** Standard deviation of the N(0, σ²) input weights (default 0.001, as Le et al.). */
  inputStd?: number;
}

/**
 * The IRNN of Le, Jaitly & Hinton (2015): W_hh = I (times `scale`), biases
 * 0 and small Gaussian input weights, for a plain RNN, usually with ReLU.
 * With ReLU the Jacobian ∂h_{t+1}/∂h_t is the identity on active units, so
 * gradients neither vanish nor explode at initialisation and the network
 * starts by remembering its state.
 *
 * @example
 * ```ts
 * const irnn = identityRecurrentInit_(new RNN(2, 100, { nonlinearity: 'relu' }));
 * ```
 */
export function identityRecurrentInit_<M extends RNNBase | RNNCellBase>(module: M, options: IdentityInitOptions = {}): M {
  if (module.mode !== 'RNN_RELU' && module.mode !== 'RNN_TANH') {
    throw new ArgumentError('identityRecurrentInit_', `identity initialisation is for plain RNNs (one gate block), got ${module.mode}`);
  }
  const scale = options.scale ?? 1;
  const inputStd = options.inputStd ?? 0.001;
  noGrad(() => {
    for (const [name, p] of module.namedParameters()) {
      if (name.startsWith('weight_hh')) eye_(p).assign_(p.mul(scale));
      else if (name.startsWith('weight_ih')) normal_(p, 0, inputStd);
      else if (name.startsWith('bias')) zeros_(p);
    }
  });
  return module;
}

function recurrentWeights(module: RNNBase | RNNCellBase): Parameter[] {
  const ws = module.namedParameters().filter(([n]) => n.startsWith('weight_hh'));
  if (ws.length === 0) throw new ArgumentError('orthogonalRecurrentInit_', `${module.constructor.name} has no weight_hh parameters`);
  return ws.map(([, p]) => p);
}


/**
 * Sets the LSTM forget-gate bias so that b_if + b_hf = `value` (default 1;
 * Gers et al. 2000, Jozefowicz et al. 2015): f = σ(… + 1) ≈ 0.73 at the
 * start, so the cell state c_t = f ⊙ c_{t−1} + i ⊙ g carries information
 * (and gradient, ∂c_t/∂c_{t−1} = diag(f)) across many steps from the first
 * update instead of forgetting half of it at every step.
 *
 * @example
 * ```ts
 * const lstm = forgetGateBiasInit_(new LSTM(2, 64), 1);
 * ```
 */
export function forgetGateBiasInit_<M extends RNNBase | RNNCellBase>(module: M, value = 1): M {
  if (module.mode !== 'LSTM') throw new ArgumentError('forgetGateBiasInit_', `only an LSTM has a forget gate, got ${module.mode}`);
  noGrad(() => {
    for (const [name, p] of module.namedParameters()) {
      if (!name.startsWith('bias_')) continue;
      // on the parameter's own backend (no read-back): p ⊙ keep + fill, where keep
      // is 0 on the forget gate's slice [H, 2H) and fill holds its new values
      const H = p.shape[0]! / 4;
      const keep = new Float64Array(4 * H).fill(1).fill(0, H, 2 * H);
      const fill = new Float64Array(4 * H).fill(name.startsWith('bias_ih') ? value : 0, H, 2 * H);
      const on = { dtype: p.dtype, backend: p.backend.name };
      p.assign_(add(mul(p, fromTypedArray(keep, p.shape, on)), fromTypedArray(fill, p.shape, on)));
    }
  });
  return module;
}
