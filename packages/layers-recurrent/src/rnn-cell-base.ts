import { ArgumentError, DTypeError, fmtShape, ShapeError, uniform, unsqueeze, squeeze, zeros, type Tensor } from '@webgrad/core-tensor';
import { Module, Parameter } from '@webgrad/nn';
import { gateCount, projectInput, recurrentStep, type RecurrentMode, type RecurrentState, type RecurrentWeights } from './recurrent-step.js';

/** Options every recurrent cell takes. */
export interface RecurrentCellOptions {
  /** Learn b_ih and b_hh (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: 'float32' | 'float64';
}

/**
 * The machinery shared by `RNNCell`, `LSTMCell` and `GRUCell` (PyTorch's
 * `RNNCellBase`): `weight_ih` [G·H, inputSize], `weight_hh` [G·H, H], `bias_ih`
 * and `bias_hh` [G·H], initialised U(−1/√H, 1/√H), and one step of the
 * recurrence on [B, inputSize] (or unbatched [inputSize]) input.
 */
export abstract class RNNCellBase extends Module<never[], unknown> {
  /** Input-to-hidden weights, [G·H, inputSize]. */
  weight_ih: Parameter;
  /** Hidden-to-hidden weights, [G·H, H]. */
  weight_hh: Parameter;
  /** Input-to-hidden bias, [G·H], or null. */
  bias_ih: Parameter | null;
  /** Hidden-to-hidden bias, [G·H], or null. */
  bias_hh: Parameter | null;

  /** Creates the parameters with PyTorch's names, shapes and initialisation. */
  constructor(
    /** The recurrence. */
    readonly mode: RecurrentMode,
    /** Features of the input. */
    readonly inputSize: number,
    /** Features of the hidden state H. */
    readonly hiddenSize: number,
    options: RecurrentCellOptions,
  ) {
    super();
    const name = cellName(mode);
    if (!Number.isInteger(inputSize) || inputSize < 0) throw new ArgumentError(name, `inputSize must be a non-negative integer, got ${inputSize}`);
    if (!Number.isInteger(hiddenSize) || hiddenSize < 1) throw new ArgumentError(name, `hiddenSize must be a positive integer, got ${hiddenSize}`);
    const G = gateCount(mode) * hiddenSize;
    const bound = 1 / Math.sqrt(hiddenSize);
    const dtype = options.dtype ?? 'float32';
    const param = (shape: number[]): Parameter => new Parameter(uniform(shape, -bound, bound, { dtype }));
    this.weight_ih = param([G, inputSize]);
    this.weight_hh = param([G, hiddenSize]);
    const withBias = options.bias ?? true;
    this.bias_ih = withBias ? param([G]) : null;
    this.bias_hh = withBias ? param([G]) : null;
  }

  /** The cell's weights in the form the recurrence reads. */
  weights(): RecurrentWeights {
    return { weightIh: this.weight_ih, weightHh: this.weight_hh, biasIh: this.bias_ih, biasHh: this.bias_hh, weightHr: null };
  }

  /** One step from `h` (and `c`), zeros when omitted. */
  protected cellStep(input: Tensor, h: Tensor | null, c: Tensor | null): RecurrentState {
    const name = cellName(this.mode);
    if ((input.rank !== 1 && input.rank !== 2) || input.shape[input.rank - 1] !== this.inputSize) {
      throw new ShapeError(name, `expected input of [B, ${this.inputSize}] or [${this.inputSize}], got ${fmtShape(input.shape)}`);
    }
    if (input.dtype !== this.weight_ih.dtype) throw new DTypeError(name, `input is ${input.dtype} but the parameters are ${this.weight_ih.dtype}`);
    const batched = input.rank === 2;
    const x = batched ? input : unsqueeze(input, 0);
    const want = [x.shape[0]!, this.hiddenSize];
    const state = (t: Tensor | null, which: string): Tensor => {
      if (t === null) return zeros(want, { dtype: x.dtype, backend: x.backend.name });
      const s = batched ? t : unsqueeze(t, 0);
      if (s.rank !== 2 || s.shape[0] !== want[0] || s.shape[1] !== want[1]) {
        throw new ShapeError(name, `expected ${which} of ${fmtShape(batched ? want : [this.hiddenSize])}, got ${fmtShape(t.shape)}`);
      }
      return s;
    };
    const w = this.weights();
    const next = recurrentStep(this.mode, w, projectInput(this.mode, w, x), { h: state(h, 'h'), c: this.mode === 'LSTM' ? state(c, 'c') : null });
    return batched ? next : { h: squeeze(next.h, 0), c: next.c ? squeeze(next.c, 0) : null };
  }

  /** `inputSize, hiddenSize` (and `bias=False`), as PyTorch prints cells. */
  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih ? '' : ', bias=False'}`;
  }
}

function cellName(mode: RecurrentMode): string {
  return mode === 'LSTM' ? 'LSTMCell' : mode === 'GRU' ? 'GRUCell' : 'RNNCell';
}
