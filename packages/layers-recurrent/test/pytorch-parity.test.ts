import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromTypedArray, mul, sum, add, type Tensor } from '@webgrad/core-tensor';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell, type RNNBase, type RNNCellBase } from '@webgrad/layers-recurrent';

interface Arr {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  kind: 'RNN' | 'LSTM' | 'GRU';
  options: { inputSize: number; hiddenSize: number; numLayers?: number; bias: boolean; batchFirst?: boolean; bidirectional?: boolean; projSize?: number; nonlinearity: 'tanh' | 'relu'; dropout?: number };
  state: Record<string, Arr>;
  input: Arr;
  output?: Arr;
  hN: Arr;
  cN?: Arr;
  rOut?: Arr;
  rH: Arr;
  rC?: Arr;
  h0?: Arr;
  c0?: Arr;
  lengths?: number[];
  grads: Record<string, Arr>;
  gradInput: Arr;
  gradH0?: Arr;
  gradC0?: Arr;
}

const fixtures = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'recurrent.json'), 'utf8')) as { layers: Case[]; cells: Case[] };

type DT = 'float32' | 'float64';
const toT = (a: Arr, dtype: DT, requiresGrad = false): Tensor =>
  fromTypedArray(dtype === 'float64' ? Float64Array.from(a.data) : Float32Array.from(a.data), a.shape, { dtype, requiresGrad });

function expectClose(actual: Tensor | null | undefined, expected: Arr, tol: number, what: string): void {
  expect(actual, what).toBeTruthy();
  expect(actual!.shape, what).toEqual(expected.shape);
  const got = actual!.dataSync();
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const err = Math.abs(got[i]! - expected.data[i]!) / Math.max(1, Math.abs(expected.data[i]!));
    if (err > worst) [worst, at] = [err, i];
  }
  expect(worst, `${what}: worst error ${worst} at element ${at}`).toBeLessThanOrEqual(tol);
}

function makeLayer(c: Case, dtype: DT): RNNBase {
  const o = { ...c.options, dtype };
  if (c.kind === 'RNN') return new RNN(o.inputSize, o.hiddenSize, o);
  if (c.kind === 'LSTM') return new LSTM(o.inputSize, o.hiddenSize, o);
  return new GRU(o.inputSize, o.hiddenSize, o);
}

function loadState(m: RNNBase | RNNCellBase, c: Case, dtype: DT): void {
  const sd: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.state)) sd[k] = toT(v, dtype);
  m.loadStateDict(sd);
}

function checkLayer(c: Case, dtype: DT, tol: number): void {
  const m = makeLayer(c, dtype);
  m.eval(); // as PyTorch's reference ran: no dropout between layers
  expect(Object.keys(m.stateDict())).toEqual(Object.keys(c.state));
  loadState(m, c, dtype);
  const x = toT(c.input, dtype, true);
  const h0 = c.h0 ? toT(c.h0, dtype, true) : null;
  const c0 = c.c0 ? toT(c.c0, dtype, true) : null;
  const seq = c.lengths ? { lengths: c.lengths } : undefined;
  const r = m.run(x, h0, c0, seq);
  expectClose(r.output, c.output!, tol, 'output');
  expectClose(r.h, c.hN, tol, 'h_n');
  if (c.cN) expectClose(r.c, c.cN, tol, 'c_n');
  let loss = add(sum(mul(r.output, toT(c.rOut!, dtype))), sum(mul(r.h, toT(c.rH, dtype))));
  if (c.rC) loss = add(loss, sum(mul(r.c!, toT(c.rC, dtype))));
  loss.backward();
  for (const [name, p] of m.namedParameters()) expectClose(p.grad, c.grads[name]!, tol, `∂L/∂${name}`);
  expectClose(x.grad, c.gradInput, tol, '∂L/∂input');
  if (c.gradH0) expectClose(h0!.grad, c.gradH0, tol, '∂L/∂h0');
  if (c.gradC0) expectClose(c0!.grad, c.gradC0, tol, '∂L/∂c0');
}

function checkCell(c: Case, dtype: DT, tol: number): void {
  const { inputSize, hiddenSize } = c.options;
  const o = { ...c.options, dtype };
  const cell = c.kind === 'RNN' ? new RNNCell(inputSize, hiddenSize, o) : c.kind === 'LSTM' ? new LSTMCell(inputSize, hiddenSize, o) : new GRUCell(inputSize, hiddenSize, o);
  expect(Object.keys(cell.stateDict())).toEqual(Object.keys(c.state));
  loadState(cell, c, dtype);
  const x = toT(c.input, dtype, true);
  const h0 = c.h0 ? toT(c.h0, dtype, true) : null;
  const c0 = c.c0 ? toT(c.c0, dtype, true) : null;
  let h1: Tensor;
  let c1: Tensor | null = null;
  if (cell instanceof LSTMCell) [h1, c1] = cell.forward(x, h0 && c0 ? [h0, c0] : null);
  else h1 = (cell as RNNCell | GRUCell).forward(x, h0);
  expectClose(h1, c.hN, tol, 'h′');
  if (c.cN) expectClose(c1, c.cN, tol, 'c′');
  let loss = sum(mul(h1, toT(c.rH, dtype)));
  if (c.rC) loss = add(loss, sum(mul(c1!, toT(c.rC, dtype))));
  loss.backward();
  for (const [name, p] of cell.namedParameters()) expectClose(p.grad, c.grads[name]!, tol, `∂L/∂${name}`);
  expectClose(x.grad, c.gradInput, tol, '∂L/∂input');
  if (c.gradH0) expectClose(h0!.grad, c.gradH0, tol, '∂L/∂h');
  if (c.gradC0) expectClose(c0!.grad, c.gradC0, tol, '∂L/∂c');
}

describe('RNN, LSTM and GRU match PyTorch 1.13: outputs, final states and every gradient', () => {
  for (const c of fixtures.layers) {
    it(`${c.name} (float32, within 1e-5)`, () => checkLayer(c, 'float32', 1e-5));
    it(`${c.name} (float64, within 1e-10)`, () => checkLayer(c, 'float64', 1e-10));
  }
});

describe('RNNCell, LSTMCell and GRUCell match PyTorch 1.13', () => {
  for (const c of fixtures.cells) {
    it(`${c.name} (float32, within 1e-5)`, () => checkCell(c, 'float32', 1e-5));
    it(`${c.name} (float64, within 1e-10)`, () => checkCell(c, 'float64', 1e-10));
  }
});
