import type { Tensor } from '@webgrad/core-tensor';
import { RNNCellBase, type RecurrentCellOptions } from './rnn-cell-base.js';

/** Options of `GRUCell`. */
export type GRUCellOptions = RecurrentCellOptions;

/**
 * One GRU step, PyTorch's `nn.GRUCell` (gate order r, z, n; see `GRU` for
 * the equations).
 *
 * @example
 * ```ts
 * const cell = new GRUCell(10, 20);
 * const h1 = cell.forward(randn([3, 10])); // from h0 = 0
 * ```
 */
export class GRUCell extends RNNCellBase {
  /** The options the cell was made with. */
  readonly options: GRUCellOptions;

  /** Creates the cell with PyTorch's parameter names and initialisation. */
  constructor(inputSize: number, hiddenSize: number, options: GRUCellOptions = {}) {
    super('GRU', inputSize, hiddenSize, options);
    this.options = { ...options };
  }

  /** h′ from input [B, inputSize] (or [inputSize]) and h (zeros when omitted). */
  forward(input: Tensor, h: Tensor | null = null): Tensor {
    return this.cellStep(input, h, null).h;
  }
}
