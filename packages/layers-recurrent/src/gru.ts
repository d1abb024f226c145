import type { Tensor } from '@webgrad/core-tensor';
import { RNNBase, type RecurrentLayerOptions } from './rnn-base.js';
import type { SequenceOptions } from './sequence-mask.js';

/** Options of `GRU`. */
export type GRUOptions = RecurrentLayerOptions;

/**
 * The gated recurrent unit, PyTorch's `nn.GRU` (gate order r, z, n):
 *
 *   r = σ(W_ir·x + b_ir + W_hr·h + b_hr),  z = σ(W_iz·x + b_iz + W_hz·h + b_hz),
 *   n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn)),  h′ = (1 − z) ⊙ n + z ⊙ h.
 *
 * Returns `[output, hN]` like `RNN`.
 *
 * @example
 * ```ts
 * const gru = new GRU(10, 20, { bidirectional: true });
 * const [output, hN] = gru.forward(randn([5, 3, 10])); // [5, 3, 40], [2, 3, 20]
 * ```
 */
export class GRU extends RNNBase {
  /** The options the layer was made with. */
  readonly options: GRUOptions;

  /** Creates the layer with PyTorch's parameter names and initialisation. */
  constructor(inputSize: number, hiddenSize: number, options: GRUOptions = {}) {
    super('GRU', inputSize, hiddenSize, options);
    this.options = { ...options };
  }

  /** Runs the sequence from h0 (zeros when omitted); returns `[output, hN]`. */
  forward(input: Tensor, h0: Tensor | null = null, sequence?: SequenceOptions): [Tensor, Tensor] {
    const r = this.run(input, h0, null, sequence);
    return [r.output, r.h];
  }
}
