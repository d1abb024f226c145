import type { Tensor } from '@webgrad/core-tensor';
import { RNNBase, type RecurrentLayerOptions } from './rnn-base.js';
import type { SequenceOptions } from './sequence-mask.js';

/** Options of `LSTM`. */
export interface LSTMOptions extends RecurrentLayerOptions {
  /** Project h to this size with W_hr (h = W_hr·(o ⊙ tanh c)); 0 (default) for none. */
  projSize?: number;
}

/** The LSTM state: hidden h [L·D, B, P] and cell c [L·D, B, H]. */
export type LSTMState = [h: Tensor, c: Tensor];

/**
 * Long short-term memory, PyTorch's `nn.LSTM` (gate order i, f, g, o):
 *
 *   i = σ(W_ii·x + b_ii + W_hi·h + b_hi),  f = σ(W_if·x + b_if + W_hf·h + b_hf),
 *   g = tanh(W_ig·x + b_ig + W_hg·h + b_hg),  o = σ(W_io·x + b_io + W_ho·h + b_ho),
 *   c′ = f ⊙ c + i ⊙ g,  h′ = o ⊙ tanh(c′)  (then h′ = W_hr·h′ with projSize).
 *
 * Returns `[output, [hN, cN]]` like PyTorch.
 *
 * @example
 * ```ts
 * const lstm = new LSTM(10, 20, { numLayers: 2, batchFirst: true });
 * const [output, [hN, cN]] = lstm.forward(randn([3, 5, 10])); // [3, 5, 20], [2, 3, 20] twice
 * ```
 */
export class LSTM extends RNNBase {
  /** The options the layer was made with. */
  readonly options: LSTMOptions;

  /** Creates the layer with PyTorch's parameter names and initialisation. */
  constructor(inputSize: number, hiddenSize: number, options: LSTMOptions = {}) {
    super('LSTM', inputSize, hiddenSize, options);
    this.options = { ...options };
  }

  /** Runs the sequence from (h0, c0) (zeros when omitted); returns `[output, [hN, cN]]`. */
  forward(input: Tensor, hx: LSTMState | null = null, sequence?: SequenceOptions): [Tensor, LSTMState] {
    const r = this.run(input, hx ? hx[0] : null, hx ? hx[1] : null, sequence);
    return [r.output, [r.h, r.c!]];
  }
}
