import { describe, expect, it } from 'vitest';
import type { Tensor } from '@webgrad/core-tensor';
import { LayerNorm } from '@webgrad/regularize';
import type { Module } from '@webgrad/nn';
import {
  MultiheadAttention,
  Transformer,
  TransformerDecoder,
  TransformerDecoderLayer,
  TransformerEncoder,
  TransformerEncoderLayer,
  type TransformerActivation,
} from '@webgrad/transformer';
import { expectMatches, fromSpec, maybeSpec, readFixture, type TensorSpec } from './pytorch-fixture.js';

// Outputs and gradients of webgrad's attention and transformer layers equal
// PyTorch 1.13's for the same weights and inputs (fixtures from
// fixtures/gen_attention.py): L = Σ output·R (+ Σ weights·R_w), ∂L/∂θ for
// every parameter by its PyTorch state-dict name, ∂L/∂input for every input.

interface Case {
  name: string;
  kind: 'mha' | 'encoderLayer' | 'encoder' | 'decoderLayer' | 'decoder' | 'transformer';
  options: Record<string, unknown>;
  forward?: { needWeights: boolean; averageAttnWeights: boolean; isCausal: boolean };
  selfAttention?: boolean;
  numLayers?: number | null;
  state: Record<string, TensorSpec>;
  inputs: Record<string, TensorSpec>;
  output: TensorSpec;
  weights?: TensorSpec;
  R: TensorSpec;
  Rw?: TensorSpec;
  grads: Record<string, TensorSpec>;
  inputGrads: Record<string, TensorSpec>;
  [mask: string]: unknown;
}

const { cases } = readFixture<{ cases: Case[] }>('attention');

function layerOptions(o: Record<string, unknown>) {
  return {
    dimFeedforward: o.dimFeedforward as number,
    dropout: o.dropout as number,
    activation: o.activation as TransformerActivation,
    layerNormEps: o.layerNormEps as number,
    batchFirst: o.batchFirst as boolean,
    normFirst: o.normFirst as boolean,
  };
}

function mask(c: Case, name: string): Tensor | null {
  return maybeSpec(c[name] as TensorSpec | null | undefined);
}

/** Builds the module of a case, loads PyTorch's weights and runs it; returns the module, output and weights. */
function run(c: Case, inputs: Record<string, Tensor>): { module: Module<never[], unknown>; output: Tensor; weights: Tensor | null } {
  const o = c.options;
  switch (c.kind) {
    case 'mha': {
      const m = new MultiheadAttention(o.embedDim as number, o.numHeads as number, {
        batchFirst: o.batchFirst as boolean,
        kdim: o.kdim as number | null,
        vdim: o.vdim as number | null,
        bias: o.bias as boolean,
        addBiasKv: o.addBiasKv as boolean,
        addZeroAttn: o.addZeroAttn as boolean,
      });
      loadState(m, c);
      const q = inputs.query!;
      const [k, v] = c.selfAttention ? [q, q] : [inputs.key!, inputs.value!];
      const [output, weights] = m.forward(q, k, v, { ...c.forward, attnMask: mask(c, 'attnMask'), keyPaddingMask: mask(c, 'keyPaddingMask') });
      return { module: m as never, output, weights };
    }
    case 'encoderLayer':
    case 'encoder': {
      const layer = new TransformerEncoderLayer(o.dModel as number, o.nhead as number, layerOptions(o));
      const srcMask = mask(c, 'srcMask');
      const srcKeyPaddingMask = mask(c, 'keyPaddingMask');
      if (c.kind === 'encoderLayer') {
        loadState(layer, c);
        return { module: layer as never, output: layer.forward(inputs.src!, { srcMask, srcKeyPaddingMask }), weights: null };
      }
      const enc = new TransformerEncoder(layer, c.numLayers!, { norm: new LayerNorm(o.dModel as number, { eps: o.layerNormEps as number }) });
      loadState(enc, c);
      return { module: enc as never, output: enc.forward(inputs.src!, { mask: srcMask, srcKeyPaddingMask }), weights: null };
    }
    case 'decoderLayer':
    case 'decoder': {
      const layer = new TransformerDecoderLayer(o.dModel as number, o.nhead as number, layerOptions(o));
      const masks = {
        tgtMask: mask(c, 'tgtMask'),
        memoryMask: mask(c, 'memoryMask'),
        tgtKeyPaddingMask: mask(c, 'tgtKeyPaddingMask'),
        memoryKeyPaddingMask: mask(c, 'memoryKeyPaddingMask'),
      };
      const m =
        c.kind === 'decoderLayer' ? layer : new TransformerDecoder(layer, c.numLayers!, { norm: new LayerNorm(o.dModel as number, { eps: o.layerNormEps as number }) });
      loadState(m, c);
      return { module: m as never, output: m.forward(inputs.tgt!, inputs.memory!, masks), weights: null };
    }
    case 'transformer': {
      const m = new Transformer({ ...(o as object) });
      loadState(m, c);
      const tgtMask = Transformer.generateSquareSubsequentMask(inputs.tgt!.shape[1]!);
      expectMatches(tgtMask, c.generatedMask as TensorSpec, 'generateSquareSubsequentMask');
      const kpm = mask(c, 'srcKeyPaddingMask');
      const output = m.forward(inputs.src!, inputs.tgt!, { tgtMask, srcKeyPaddingMask: kpm, memoryKeyPaddingMask: kpm });
      return { module: m as never, output, weights: null };
    }
  }
}

function loadState(m: Module<never[], unknown>, c: Case): void {
  // the state dict has PyTorch's keys in PyTorch's order
  expect(Object.keys(m.stateDict())).toEqual(Object.keys(c.state));
  m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, s]) => [k, fromSpec(s)])));
}

describe('PyTorch parity: outputs and gradients within 1e-5', () => {
  for (const c of cases) {
    it(c.name, () => {
      const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, s]) => [k, fromSpec(s, true)]));
      const { module, output, weights } = run(c, inputs);
      expectMatches(output, c.output, 'output');
      let loss = output.mul(fromSpec(c.R)).sum();
      if (c.weights) {
        expectMatches(weights, c.weights, 'attention weights');
        loss = loss.add(weights!.mul(fromSpec(c.Rw!)).sum());
      } else if (c.kind === 'mha') {
        expect(weights).toBeNull();
      }
      loss.backward();
      const params = Object.fromEntries(module.namedParameters());
      expect(Object.keys(params).sort()).toEqual(Object.keys(c.grads).sort());
      for (const [name, g] of Object.entries(c.grads)) expectMatches(params[name]!.grad, g, `∂L/∂${name}`);
      for (const [name, g] of Object.entries(c.inputGrads)) expectMatches(inputs[name]!.grad, g, `∂L/∂${name}`);
    });
  }
});
