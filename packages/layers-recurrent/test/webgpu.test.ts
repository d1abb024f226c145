import { expect, it } from 'vitest';
import { add, fromTypedArray, manualSeed, mul, setBackend, sum, type Tensor } from '@webgrad/core-tensor';
import { GRU, LSTM, RNN, type RNNBase } from '@webgrad/layers-recurrent';
import { acquireWebgpu, describeOnWebgpu } from '../../core-tensor/test/conformance/webgpu-under-test.js';

// The layers are written with backend-agnostic ops (the fused cell updates fall back to the
// separate-op formula where a backend has no fused kernel), so a layer moved to WebGPU must
// give the CPU's outputs and gradients.

const gpu = await acquireWebgpu();

function host(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296 - 0.5;
  });
}

async function agree(make: () => RNNBase, shape: [number, number, number], lengths: number[] | undefined, withStates = false): Promise<void> {
  manualSeed(90);
  const cpuLayer = make();
  // parameters are created on the active backend
  setBackend('webgpu');
  const gpuLayer = make();
  setBackend('cpu');
  gpuLayer.loadStateDict(cpuLayer.stateDict());
  expect(gpuLayer.parameters()[0]!.backend.name).toBe('webgpu');
  const size = shape[0] * shape[1] * shape[2];
  const run = (layer: RNNBase, backend: string): { out: Tensor; grads: Tensor[] } => {
    const x = fromTypedArray(host(size, 1), shape, { backend, requiresGrad: true });
    const stateShape = [layer.numLayers * layer.numDirections, shape[1], layer.hiddenSize];
    const n = stateShape[0]! * stateShape[1]! * stateShape[2]!;
    const states = withStates ? [3, 4].map((seed) => fromTypedArray(host(n, seed), stateShape, { backend, requiresGrad: true })) : [];
    const r = layer.run(x, states[0] ?? null, layer.mode === 'LSTM' ? (states[1] ?? null) : null, lengths ? { lengths } : undefined);
    const w = fromTypedArray(host(r.output.size, 2), r.output.shape, { backend });
    let loss = add(sum(mul(r.output, w)), sum(r.h));
    if (r.c) loss = add(loss, sum(r.c));
    loss.backward();
    return { out: r.output, grads: [x.grad!, ...layer.parameters().map((p) => p.grad!), ...states.map((t) => t.grad!)] };
  };
  const want = run(cpuLayer, 'cpu');
  const got = run(gpuLayer, 'webgpu');
  expect(got.out.backend.name).toBe('webgpu');
  const pairs: [Tensor, Tensor][] = [[got.out, want.out], ...got.grads.map((g, i): [Tensor, Tensor] => [g, want.grads[i]!])];
  for (const [g, w] of pairs) {
    const gv = await g.data();
    const wv = w.dataSync();
    for (let i = 0; i < wv.length; i++) expect(Math.abs(gv[i]! - wv[i]!)).toBeLessThanOrEqual(2e-5 * (1 + Math.abs(wv[i]!)));
  }
}

describeOnWebgpu(gpu, 'recurrent layers on webgpu', () => {
  it('a bidirectional 2-layer LSTM with lengths: outputs and every gradient match the cpu', () => agree(() => new LSTM(3, 4, { numLayers: 2, bidirectional: true }), [5, 3, 3], [5, 2, 4]));
  it('a bidirectional 2-layer LSTM without padding (one lstmSequence op per layer and direction), from given states: outputs and every gradient match the cpu', () =>
    agree(() => new LSTM(3, 5, { numLayers: 2, bidirectional: true }), [6, 4, 3], undefined, true));
  it('a batch-first GRU: outputs and every gradient match the cpu', () => agree(() => new GRU(3, 4, { batchFirst: true }), [2, 4, 3], undefined));
  it('a relu RNN with lengths: outputs and every gradient match the cpu', () => agree(() => new RNN(3, 4, { nonlinearity: 'relu' }), [4, 2, 3], [4, 1]));
});
