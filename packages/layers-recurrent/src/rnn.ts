import type { Tensor } from '@webgrad/core-tensor';
import { elmanMode } from './recurrent-step.js';
import { RNNBase, type RecurrentLayerOptions } from './rnn-base.js';
import type { SequenceOptions } from './sequence-mask.js';

/** Options of `RNN`. */
export interface RNNOptions extends RecurrentLayerOptions {
  /** The nonlinearity f in h′ = f(W_ih·x + b_ih + W_hh·h + b_hh) (default 'tanh'). */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * The Elman network, PyTorch's `nn.RNN`: for each layer and step,
 *
 *   h_t = f(W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh),  f = tanh or relu.
 *
 * Returns `[output, hN]`: output [T, B, D·H] (batch first with `batchFirst`)
 * and the final states [L·D, B, H].
 *
 * @example
 * ```ts
 * const rnn = new RNN(10, 20, { numLayers: 2 });
 * const [output, hN] = rnn.forward(randn([5, 3, 10])); // [5, 3, 20], [2, 3, 20]
 * ```
 */
export class RNN extends RNNBase {
  /** The nonlinearity. */
  readonly nonlinearity: 'tanh' | 'relu';
  /** The options the layer was made with (to re-create it from a saved config). */
  readonly options: RNNOptions;

  /** Creates the layer with PyTorch's parameter names and initialisation. */
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super(elmanMode('RNN', options.nonlinearity), inputSize, hiddenSize, options);
    this.nonlinearity = this.mode === 'RNN_TANH' ? 'tanh' : 'relu';
    this.options = { ...options };
  }

  /** Runs the sequence from h0 (zeros when omitted); returns `[output, hN]`. */
  forward(input: Tensor, h0: Tensor | null = null, sequence?: SequenceOptions): [Tensor, Tensor] {
    const r = this.run(input, h0, null, sequence);
    return [r.output, r.h];
  }

  /** PyTorch's repr, plus the nonlinearity when it is relu. */
  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === 'relu' ? ", nonlinearity='relu'" : '');
  }
}
