import type { Tensor } from '@webgrad/core-tensor';
import { elmanMode } from './recurrent-step.js';
import { RNNCellBase, type RecurrentCellOptions } from './rnn-cell-base.js';

/** Options of `RNNCell`. */
export interface RNNCellOptions extends RecurrentCellOptions {
  /** The nonlinearity (default 'tanh'). */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * One step of an Elman RNN, PyTorch's `nn.RNNCell`:
 * h′ = f(W_ih·x + b_ih + W_hh·h + b_hh).
 *
 * @example
 * ```ts
 * const cell = new RNNCell(10, 20);
 * let h = zeros([3, 20]);
 * for (const x of inputs) h = cell.forward(x, h); // x: [3, 10]
 * ```
 */
export class RNNCell extends RNNCellBase {
  /** The nonlinearity. */
  readonly nonlinearity: 'tanh' | 'relu';
  /** The options the cell was made with. */
  readonly options: RNNCellOptions;

  /** Creates the cell with PyTorch's parameter names and initialisation. */
  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super(elmanMode('RNNCell', options.nonlinearity), inputSize, hiddenSize, options);
    this.nonlinearity = this.mode === 'RNN_TANH' ? 'tanh' : 'relu';
    this.options = { ...options };
  }

  /** h′ from input [B, inputSize] (or [inputSize]) and h (zeros when omitted). */
  forward(input: Tensor, h: Tensor | null = null): Tensor {
    return this.cellStep(input, h, null).h;
  }

  /** PyTorch's repr, plus the nonlinearity when it is relu. */
  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === 'relu' ? ", nonlinearity='relu'" : '');
  }
}
