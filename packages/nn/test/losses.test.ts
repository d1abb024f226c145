import { describe, it } from 'vitest';
import { type Tensor } from '@webgrad/core-tensor';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  cosineEmbeddingLoss,
  crossEntropy,
  gaussianNllLoss,
  huberLoss,
  klDiv,
  l1Loss,
  mseLoss,
  nllLoss,
  smoothL1Loss,
} from '@webgrad/nn';
import { expectMatches, fromSpec, readFixture, type TensorSpec } from './pytorch-fixture.js';

interface LossCase {
  name: string;
  fn: string;
  options: Record<string, unknown>;
  inputs: Record<string, TensorSpec>;
  gradOutput: TensorSpec;
  output: TensorSpec;
  grads: Record<string, TensorSpec>;
}

type Inputs = Record<string, Tensor>;
const call: Record<string, (t: Inputs, o: Record<string, unknown>) => Tensor> = {
  mseLoss: (t, o) => mseLoss(t.input!, t.target!, o),
  l1Loss: (t, o) => l1Loss(t.input!, t.target!, o),
  smoothL1Loss: (t, o) => smoothL1Loss(t.input!, t.target!, o),
  huberLoss: (t, o) => huberLoss(t.input!, t.target!, o),
  binaryCrossEntropy: (t, o) => binaryCrossEntropy(t.input!, t.target!, { ...o, weight: t.weight ?? null }),
  binaryCrossEntropyWithLogits: (t, o) => binaryCrossEntropyWithLogits(t.input!, t.target!, { ...o, weight: t.weight ?? null, posWeight: t.posWeight ?? null }),
  crossEntropy: (t, o) => crossEntropy(t.input!, t.target!, { ...o, weight: t.weight ?? null }),
  nllLoss: (t, o) => nllLoss(t.input!, t.target!, { ...o, weight: t.weight ?? null }),
  klDiv: (t, o) => klDiv(t.input!, t.target!, o),
  gaussianNllLoss: (t, o) => gaussianNllLoss(t.input!, t.target!, t.var!, o),
  cosineEmbeddingLoss: (t, o) => cosineEmbeddingLoss(t.input1!, t.input2!, t.target!, o),
};

const { cases } = readFixture<{ cases: LossCase[] }>('losses');

describe('losses match PyTorch 1.13 (values and gradients of ⟨loss, g⟩)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const inputs: Inputs = {};
    for (const [k, s] of Object.entries(c.inputs)) inputs[k] = fromSpec(s, k in c.grads);
    const loss = call[c.fn]!(inputs, c.options);
    expectMatches(loss, c.output, 'loss');
    loss.backward(fromSpec(c.gradOutput));
    for (const [k, g] of Object.entries(c.grads)) expectMatches(inputs[k]!.grad, g, `∂/∂${k}`, c.name === 'bce near the ends' ? { rtol: 1e-6 } : undefined);
  });
});
