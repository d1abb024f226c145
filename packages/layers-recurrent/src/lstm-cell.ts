import type { Tensor } from '@webgrad/core-tensor';
import { RNNCellBase, type RecurrentCellOptions } from './rnn-cell-base.js';

/** Options of `LSTMCell`. */
export type LSTMCellOptions = RecurrentCellOptions;

/**
 * One LSTM step, PyTorch's `nn.LSTMCell` (gate order i, f, g, o; see `LSTM`
 * for the equations). Returns `[h′, c′]`.
 *
 * @example
 * ```ts
 * const cell = new LSTMCell(10, 20);
 * let [h, c] = cell.forward(randn([3, 10]));
 * [h, c] = cell.forward(randn([3, 10]), [h, c]);
 * ```
 */
export class LSTMCell extends RNNCellBase {
  /** The options the cell was made with. */
  readonly options: LSTMCellOptions;

  /** Creates the cell with PyTorch's parameter names and initialisation. */
  constructor(inputSize: number, hiddenSize: number, options: LSTMCellOptions = {}) {
    super('LSTM', inputSize, hiddenSize, options);
    this.options = { ...options };
  }

  /** [h′, c′] from input [B, inputSize] (or [inputSize]) and (h, c) (zeros when omitted). */
  forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const s = this.cellStep(input, hx ? hx[0] : null, hx ? hx[1] : null);
    return [s.h, s.c!];
  }
}
