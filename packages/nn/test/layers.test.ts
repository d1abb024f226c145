import { describe, expect, it } from 'vitest';
import { type Tensor } from '@webgrad/core-tensor';
import {
  AvgPool1d,
  AvgPool2d,
  Conv1d,
  Conv2d,
  ConvTranspose1d,
  ConvTranspose2d,
  ELU,
  Embedding,
  Flatten,
  GELU,
  Identity,
  LeakyReLU,
  Linear,
  LogSoftmax,
  MaxPool1d,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  SiLU,
  Sigmoid,
  Softmax,
  Softplus,
  Tanh,
  Unflatten,
  Upsample,
  type StateDict,
} from '@webgrad/nn';
import { expectMatches, fromSpec, readFixture, type TensorSpec } from './pytorch-fixture.js';

interface LayerCase {
  name: string;
  kind: string;
  args: unknown[];
  options: Record<string, unknown> | null;
  state: Record<string, TensorSpec>;
  stateAfter?: Record<string, TensorSpec>;
  input: TensorSpec;
  forwardArgs?: unknown[];
  gradOutput: TensorSpec;
  output: TensorSpec;
  grads: Record<string, TensorSpec>;
}

type AnyLayer = Module<[Tensor, ...never[]], Tensor>;
type Args = never[];
const build: Record<string, (args: Args, options: never) => AnyLayer> = {
  Linear: (a, o) => new Linear(a[0], a[1], o),
  Embedding: (a, o) => new Embedding(a[0], a[1], o),
  Conv1d: (a, o) => new Conv1d(a[0], a[1], a[2], o),
  Conv2d: (a, o) => new Conv2d(a[0], a[1], a[2], o),
  ConvTranspose1d: (a, o) => new ConvTranspose1d(a[0], a[1], a[2], o),
  ConvTranspose2d: (a, o) => new ConvTranspose2d(a[0], a[1], a[2], o),
  MaxPool1d: (a, o) => new MaxPool1d(a[0], o),
  MaxPool2d: (a, o) => new MaxPool2d(a[0], o),
  AvgPool1d: (a, o) => new AvgPool1d(a[0], o),
  AvgPool2d: (a, o) => new AvgPool2d(a[0], o),
  Flatten: (a) => new Flatten(...a),
  Unflatten: (a) => new Unflatten(a[0], a[1]),
  Identity: () => new Identity(),
  Upsample: (_a, o) => new Upsample(o),
  ReLU: () => new ReLU(),
  LeakyReLU: (a) => new LeakyReLU(...a),
  ELU: (a) => new ELU(...a),
  GELU: (a) => new GELU(...a),
  SiLU: () => new SiLU(),
  Sigmoid: () => new Sigmoid(),
  Tanh: () => new Tanh(),
  Softmax: (a) => new Softmax(...a),
  LogSoftmax: (a) => new LogSoftmax(...a),
  Softplus: (a) => new Softplus(...a),
  Sequential: () => new Sequential(new Linear(4, 6), new Tanh(), new Linear(6, 2)),
};

function stateFrom(specs: Record<string, TensorSpec>): StateDict {
  return Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, fromSpec(s)]));
}

const { cases } = readFixture<{ cases: LayerCase[] }>('layers');

describe('layers match PyTorch 1.13: outputs and gradients w.r.t. input and parameters', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const layer = build[c.kind]!(c.args as Args, (c.options ?? {}) as never);
    // same parameter names (and order) as PyTorch's state dict
    expect(Object.keys(layer.stateDict())).toEqual(Object.keys(c.state));
    layer.loadStateDict(stateFrom(c.state));
    const x = fromSpec(c.input, c.input.dtype !== 'int32');
    const y = (layer.forward as (x: Tensor, ...rest: unknown[]) => Tensor)(x, ...(c.forwardArgs ?? []));
    expectMatches(y, c.output, 'output');
    y.backward(fromSpec(c.gradOutput));
    const params = Object.fromEntries(layer.namedParameters());
    for (const [k, g] of Object.entries(c.grads)) expectMatches(k === 'input' ? x.grad : params[k]!.grad, g, `∂/∂${k}`);
    if (c.stateAfter) {
      const after = layer.stateDict();
      for (const [k, s] of Object.entries(c.stateAfter)) expectMatches(after[k]!, s, `${k} after forward`);
    }
  });
});
