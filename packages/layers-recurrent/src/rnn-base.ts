import {
  ArgumentError,
  concat,
  DTypeError,
  fmtShape,
  narrow,
  reshape,
  ShapeError,
  squeeze,
  transpose,
  uniform,
  unsqueeze,
  zeros,
  type Tensor,
} from '@webgrad/core-tensor';
import { Module, Parameter } from '@webgrad/nn';
import { dropout } from '@webgrad/regularize';
import { gateCount, projectInput, runDirection, type RecurrentMode, type RecurrentState, type RecurrentWeights } from './recurrent-step.js';
import { stepMasks, type SequenceOptions } from './sequence-mask.js';
import { splitTimeSteps } from './split-time-steps.js';
import { lstmSequence, usesFusedSequence } from './lstm-sequence.js';

/** Options every recurrent layer takes (PyTorch's names, camelCase). */
export interface RecurrentLayerOptions {
  /** Stacked layers (default 1); layer k > 0 reads layer k − 1's output. */
  numLayers?: number;
  /** Learn b_ih and b_hh (default true). */
  bias?: boolean;
  /** Input and output are [B, T, F] instead of [T, B, F] (default false; states stay [L·D, B, H]). */
  batchFirst?: boolean;
  /** Dropout probability on each layer's output except the last, in training mode only (default 0). */
  dropout?: number;
  /** Run a second recurrence backwards over the sequence and concatenate the two outputs (default false). */
  bidirectional?: boolean;
  /** Parameter dtype (default float32; float64 for exact checks on the CPU). */
  dtype?: 'float32' | 'float64';
}

/** What `run` returns: the output of the last layer at every step and the final states. */
export interface RecurrentRun {
  /** [T, B, D·P] ([B, T, D·P] when batchFirst; [T, D·P] for an unbatched input), zeros at padded steps. */
  output: Tensor;
  /** Final hidden state of every layer and direction, [L·D, B, P] (taken at each sequence's last real step). */
  h: Tensor;
  /** Final LSTM cell state, [L·D, B, H]; null for RNN and GRU. */
  c: Tensor | null;
  /** With `keepStates`: the state after every step, by layer, direction and time (always [1, B, ·]). */
  states?: RecurrentState[][][];
}

/** Options of `run` beyond the sequence itself. */
export interface RunOptions {
  /** Return every step's state (for gradient-flow diagnostics and visualisation). */
  keepStates?: boolean;
}

/**
 * The machinery shared by `RNN`, `LSTM` and `GRU` (PyTorch's `RNNBase`):
 * parameters named `weight_ih_l{k}{_reverse}`, `weight_hh_l…`, `bias_ih_l…`,
 * `bias_hh_l…` (and `weight_hr_l…` with an LSTM projection), in PyTorch's
 * order and shapes, initialised U(−1/√H, 1/√H); and the sequence runner: the
 * input projection of all steps is one matmul per layer and direction, each
 * step is one matmul and one fused cell update.
 */
export abstract class RNNBase extends Module<never[], unknown> {
  /** The recurrence. */
  readonly mode: RecurrentMode;
  /** Features of each input step. */
  readonly inputSize: number;
  /** Features of the hidden (and LSTM cell) state, H. */
  readonly hiddenSize: number;
  /** LSTM projection size P (0: no projection, P = H). */
  readonly projSize: number;
  /** Stacked layers L. */
  readonly numLayers: number;
  /** Whether the layer has biases. */
  readonly bias: boolean;
  /** Whether input and output are batch-major. */
  readonly batchFirst: boolean;
  /** Dropout probability between layers. */
  readonly dropout: number;
  /** Whether there is a reverse direction (D = 2). */
  readonly bidirectional: boolean;

  /** Creates the parameters with PyTorch's names, shapes, order and initialisation. */
  constructor(mode: RecurrentMode, inputSize: number, hiddenSize: number, options: RecurrentLayerOptions & { projSize?: number }) {
    super();
    const name = layerName(mode);
    const numLayers = options.numLayers ?? 1;
    const projSize = options.projSize ?? 0;
    const dropout = options.dropout ?? 0;
    for (const [k, v] of [['inputSize', inputSize], ['hiddenSize', hiddenSize], ['numLayers', numLayers]] as const) {
      if (!Number.isInteger(v) || v < (k === 'inputSize' ? 0 : 1)) throw new ArgumentError(name, `${k} must be a ${k === 'inputSize' ? 'non-negative' : 'positive'} integer, got ${v}`);
    }
    if (!(dropout >= 0 && dropout <= 1)) throw new ArgumentError(name, `dropout must be a probability in [0, 1], got ${dropout}`);
    if (!Number.isInteger(projSize) || projSize < 0) throw new ArgumentError(name, `projSize must be a non-negative integer, got ${projSize}`);
    if (projSize > 0 && mode !== 'LSTM') throw new ArgumentError(name, 'projSize is supported by LSTM only');
    if (projSize >= hiddenSize) throw new ArgumentError(name, `projSize (${projSize}) must be smaller than hiddenSize (${hiddenSize})`);
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.projSize = projSize;
    this.numLayers = numLayers;
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = dropout;
    this.bidirectional = options.bidirectional ?? false;
    const G = gateCount(mode) * hiddenSize;
    const P = this.outputHiddenSize;
    const D = this.numDirections;
    const bound = 1 / Math.sqrt(hiddenSize);
    const dtype = options.dtype ?? 'float32';
    const param = (shape: number[]): Parameter => new Parameter(uniform(shape, -bound, bound, { dtype }));
    for (let layer = 0; layer < numLayers; layer++) {
      const layerInput = layer === 0 ? inputSize : P * D;
      for (let d = 0; d < D; d++) {
        const sfx = `_l${layer}${d === 1 ? '_reverse' : ''}`;
        this.registerParameter(`weight_ih${sfx}`, param([G, layerInput]));
        this.registerParameter(`weight_hh${sfx}`, param([G, P]));
        if (this.bias) {
          this.registerParameter(`bias_ih${sfx}`, param([G]));
          this.registerParameter(`bias_hh${sfx}`, param([G]));
        }
        if (projSize > 0) this.registerParameter(`weight_hr${sfx}`, param([projSize, hiddenSize]));
      }
    }
  }

  /** 2 when bidirectional, else 1. */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** Size of h (and of each direction's output): projSize when set, else hiddenSize. */
  get outputHiddenSize(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  /** The parameters of one layer and direction (0 forward, 1 reverse). */
  weights(layer: number, direction = 0): RecurrentWeights {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.numLayers || (direction !== 0 && direction !== 1) || direction >= this.numDirections) {
      throw new ArgumentError(layerName(this.mode), `no layer ${layer}, direction ${direction} (have ${this.numLayers} layers, ${this.numDirections} directions)`);
    }
    const sfx = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
    const get = (n: string): Tensor | null => (this as unknown as Record<string, Tensor | undefined>)[n + sfx] ?? null;
    return { weightIh: get('weight_ih')!, weightHh: get('weight_hh')!, biasIh: get('bias_ih'), biasHh: get('bias_hh'), weightHr: get('weight_hr') };
  }

  /**
   * Runs the layer over `input` ([T, B, inputSize], [B, T, inputSize] when
   * batchFirst, or [T, inputSize] unbatched) from the initial states (zeros
   * when omitted; h0 [L·D, B, P], c0 [L·D, B, H] for an LSTM). With
   * `sequence.lengths` or `sequence.mask`, padded steps leave the state
   * unchanged, output zeros and receive no gradient, as PyTorch's packed
   * sequences: each final state is taken at its sequence's last real step,
   * and the reverse direction starts at each sequence's own end.
   */
  run(input: Tensor, h0: Tensor | null = null, c0: Tensor | null = null, sequence?: SequenceOptions, options: RunOptions = {}): RecurrentRun {
    const name = layerName(this.mode);
    const firstW = this.weights(0).weightIh;
    if (input.rank !== 2 && input.rank !== 3) throw new ShapeError(name, `expected input of rank 2 (unbatched) or 3, got ${fmtShape(input.shape)}`);
    if (input.shape[input.rank - 1] !== this.inputSize) {
      throw new ShapeError(name, `input has ${input.shape[input.rank - 1]} features per step, expected inputSize = ${this.inputSize} (input ${fmtShape(input.shape)})`);
    }
    if (input.dtype !== firstW.dtype) throw new DTypeError(name, `input is ${input.dtype} but the parameters are ${firstW.dtype}`);
    const batched = input.rank === 3;
    let x = batched ? input : unsqueeze(input, 1);
    if (batched && this.batchFirst) x = transpose(x, 0, 1);
    const T = x.shape[0]!;
    const B = x.shape[1]!;
    const L = this.numLayers;
    const D = this.numDirections;
    const P = this.outputHiddenSize;
    const H = this.hiddenSize;
    const hs = this.initialStates('h0', h0, [L * D, B, P], batched, x);
    const cs = this.mode === 'LSTM' ? this.initialStates('c0', c0, [L * D, B, H], batched, x) : null;
    if (this.mode !== 'LSTM' && c0 !== null) throw new ArgumentError(name, 'only an LSTM has a cell state c0');
    const masks = T === 0 ? null : stepMasks(name, sequence, T, B, batched && this.batchFirst, x.backend.name);
    const hOut: Tensor[] = [];
    const cOut: Tensor[] = [];
    const states: RecurrentState[][][] | undefined = options.keepStates ? [] : undefined;
    let layerInput = x;
    for (let layer = 0; layer < L; layer++) {
      const dirOutputs: Tensor[] = [];
      const layerStates: RecurrentState[][] = [];
      for (let d = 0; d < D; d++) {
        const w = this.weights(layer, d);
        const k = layer * D + d;
        const trace: RecurrentState[] = new Array<RecurrentState>(T);
        if (this.mode === 'LSTM' && w.weightHr === null && masks === null && !states && T > 0 && usesFusedSequence(x.backend.name)) {
          // the whole recurrence as one op (one dispatch per step each way on WebGPU)
          const seq = lstmSequence(projectInput(this.mode, w, layerInput), reshape(hs[k]!, [B, H]), reshape(cs![k]!, [B, H]), w.weightHh, { reverse: d === 1 });
          const last = d === 1 ? 0 : T - 1;
          dirOutputs.push(seq.hs);
          hOut.push(narrow(seq.hs, 0, last, 1));
          cOut.push(narrow(seq.cs, 0, last, 1));
          layerStates.push(trace);
          continue;
        }
        const steps = splitTimeSteps(projectInput(this.mode, w, layerInput));
        const res = runDirection(this.mode, w, steps, { h: hs[k]!, c: cs ? cs[k]! : null }, d === 1, masks, states ? (t, s) => (trace[t] = s) : undefined);
        dirOutputs.push(T === 0 ? zeros([0, B, P], { dtype: x.dtype, backend: x.backend.name }) : concat(res.outputs, 0));
        hOut.push(res.state.h);
        if (res.state.c) cOut.push(res.state.c);
        layerStates.push(trace);
      }
      states?.push(layerStates);
      layerInput = D === 1 ? dirOutputs[0]! : concat(dirOutputs, 2);
      if (layer < L - 1 && this.training && this.dropout > 0) layerInput = dropout(layerInput, this.dropout);
    }
    let output = layerInput;
    if (batched && this.batchFirst) output = transpose(output, 0, 1);
    if (!batched) output = squeeze(output, 1);
    const hN = concat(hOut, 0);
    const cN = cs ? concat(cOut, 0) : null;
    const run: RecurrentRun = { output, h: batched ? hN : squeeze(hN, 1), c: cN && !batched ? squeeze(cN, 1) : cN };
    if (states) run.states = states;
    return run;
  }

  /** Splits a user's initial state into one [1, B, ·] tensor per layer and direction (zeros when absent). */
  private initialStates(which: string, given: Tensor | null, shape: number[], batched: boolean, x: Tensor): Tensor[] {
    const name = layerName(this.mode);
    const B = shape[1]!;
    if (given === null) {
      const z = zeros([1, B, shape[2]!], { dtype: x.dtype, backend: x.backend.name });
      return Array.from({ length: shape[0]! }, () => z);
    }
    const want = batched ? shape : [shape[0]!, shape[2]!];
    if (given.rank !== want.length || given.shape.some((d, i) => d !== want[i])) {
      throw new ShapeError(name, `expected ${which} of shape ${fmtShape(want)} ([L·D, ${batched ? 'B, ' : ''}${which === 'c0' ? 'H' : 'P'}]), got ${fmtShape(given.shape)}`);
    }
    if (given.dtype !== x.dtype) throw new DTypeError(name, `${which} is ${given.dtype} but the input is ${x.dtype}`);
    return splitTimeSteps(batched ? given : reshape(given, shape));
  }

  /** `inputSize, hiddenSize` and the options that differ from the defaults, as PyTorch prints them. */
  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += ', bias=False';
    if (this.batchFirst) s += ', batch_first=True';
    if (this.dropout !== 0) s += `, dropout=${this.dropout}`;
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }
}

/** The class name users know the layer by, for messages. */
export function layerName(mode: RecurrentMode): string {
  return mode === 'LSTM' ? 'LSTM' : mode === 'GRU' ? 'GRU' : 'RNN';
}
