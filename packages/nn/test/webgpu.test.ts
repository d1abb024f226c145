import { expect, it } from 'vitest';
import { manualSeed, setBackend, tensor, zeros, type Tensor, type TypedArray } from '@webgrad/core-tensor';
import {
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  Embedding,
  GELU,
  Linear,
  MaxPool2d,
  AvgPool2d,
  Parameter,
  Sequential,
  Upsample,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  gaussianNllLoss,
  klDiv,
  mseLoss,
  orthogonal_,
  saveSafetensors,
  saveSafetensorsAsync,
  loadSafetensors,
  smoothL1Loss,
  xavierUniform_,
  type Module,
} from '@webgrad/nn';
import { acquireWebgpu, describeOnWebgpu } from '../../core-tensor/test/conformance/webgpu-under-test.js';
import { expectClose, hostRandom } from '../../core-tensor/test/conformance/conformance-case.js';

// Layers and losses are compositions of core-tensor ops, so the same model
// must give the same outputs and gradients on WebGPU as on the CPU.

const gpu = await acquireWebgpu();

/** Deterministic inputs, identical on both backends. */
function host(shape: number[], seed: number, lo = -1, hi = 1): Float32Array {
  const r = hostRandom(seed);
  return Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => lo + (hi - lo) * r());
}

const TOL = { rtol: 2e-5, atol: 2e-5 };

/** Builds `make()` with its parameters on `backend`. */
function buildOn<M>(backend: string, make: () => M): M {
  setBackend(backend);
  try {
    return make();
  } finally {
    setBackend('cpu', 'the CPU is the reference');
  }
}

/** Runs the layer on both backends with the same weights and input; outputs and all gradients must agree. */
async function layerAgrees(make: () => Module<[Tensor], Tensor>, input: { shape: number[]; seed: number; int?: number }): Promise<void> {
  const cpuLayer = make();
  const gpuLayer = buildOn('webgpu', make);
  gpuLayer.loadStateDict(cpuLayer.stateDict());
  const values = input.int ? Int32Array.from(host(input.shape, input.seed, 0, input.int), Math.floor) : host(input.shape, input.seed);
  const results = [cpuLayer, gpuLayer].map((layer, k) => {
    const backend = k === 0 ? 'cpu' : 'webgpu';
    const x = tensor(values, { shape: input.shape, backend, requiresGrad: !input.int });
    const y = layer.forward(x);
    y.mul(tensor(host(y.shape.slice(), 99), { shape: y.shape, backend })).sum().backward();
    return { x, y, params: layer.namedParameters() };
  });
  const [c, g] = results as [(typeof results)[0], (typeof results)[0]];
  expect(g.y.backend.name).toBe('webgpu');
  expectClose(await g.y.data(), await c.y.data(), TOL, 'output');
  if (!input.int) expectClose(await g.x.grad!.data(), await c.x.grad!.data(), TOL, '∂/∂input');
  for (const [i, [name, p]] of c.params.entries()) expectClose(await g.params[i]![1].grad!.data(), await p.grad!.data(), TOL, `∂/∂${name}`);
}

/** A loss at the same inputs on both backends: value and input gradient must agree. */
async function lossAgrees(f: (x: Tensor, backend: string) => Tensor, shape: number[]): Promise<void> {
  const out: { value: TypedArray; grad: TypedArray }[] = [];
  for (const backend of ['cpu', 'webgpu']) {
    const x = tensor(host(shape, 21), { shape, backend, requiresGrad: true });
    const loss = f(x, backend);
    expect(loss.backend.name).toBe(backend);
    loss.backward();
    out.push({ value: await loss.data(), grad: await x.grad!.data() });
  }
  expectClose(out[1]!.value, out[0]!.value, TOL, 'loss');
  expectClose(out[1]!.grad, out[0]!.grad, TOL, '∂loss/∂input');
}

describeOnWebgpu(gpu, 'nn on webgpu', () => {
  it('Linear, Conv1d, Conv2d (groups, reflect padding), ConvTranspose2d and a CNN agree with the cpu', async () => {
    await layerAgrees(() => new Linear(6, 4), { shape: [3, 6], seed: 1 });
    await layerAgrees(() => new Conv1d(2, 4, 3, { padding: 'same', dilation: 2 }), { shape: [2, 2, 9], seed: 2 });
    await layerAgrees(() => new Conv2d(4, 6, 3, { groups: 2, padding: 1, paddingMode: 'reflect', stride: 2 }), { shape: [2, 4, 7, 6], seed: 3 });
    await layerAgrees(() => new ConvTranspose2d(3, 2, 4, { stride: 2, padding: 1 }), { shape: [1, 3, 4, 5], seed: 4 });
    await layerAgrees(() => new Sequential(new Conv2d(1, 4, 3), new GELU(), new MaxPool2d(2), new AvgPool2d(2, { ceilMode: true })), { shape: [2, 1, 11, 11], seed: 5 });
  });
  it('Embedding with paddingIdx and bilinear Upsample agree with the cpu', async () => {
    await layerAgrees(() => new Embedding(9, 5, { paddingIdx: 2 }), { shape: [4, 3], seed: 6, int: 9 });
    await layerAgrees(() => new Upsample({ scaleFactor: 1.5, mode: 'bilinear' }), { shape: [1, 2, 5, 4], seed: 7 });
    await layerAgrees(() => new Upsample({ size: [7, 3] }), { shape: [1, 2, 5, 4], seed: 8 });
  });
  it('losses agree with the cpu', async () => {
    const labels = (backend: string) => tensor(new Int32Array([2, -100, 0, 4, 1, 3]), { backend });
    const weight = (backend: string) => tensor(host([5], 30, 0.2, 2), { backend });
    await lossAgrees((x, be) => crossEntropy(x, labels(be), { weight: weight(be), labelSmoothing: 0.1 }), [6, 5]);
    await lossAgrees((x, be) => binaryCrossEntropyWithLogits(x, tensor(host([6, 5], 31, 0, 1), { shape: [6, 5], backend: be }), { posWeight: weight(be) }), [6, 5]);
    await lossAgrees((x, be) => mseLoss(x, tensor(host([6, 5], 32), { shape: [6, 5], backend: be })), [6, 5]);
    await lossAgrees((x, be) => smoothL1Loss(x, tensor(host([6, 5], 33), { shape: [6, 5], backend: be }), { beta: 0.3 }), [6, 5]);
    await lossAgrees((x, be) => klDiv(x.logSoftmax(1), tensor(host([6, 5], 34, 0.1, 1), { shape: [6, 5], backend: be }), { reduction: 'batchmean' }), [6, 5]);
    await lossAgrees((x, be) => gaussianNllLoss(x, tensor(host([6, 5], 35), { shape: [6, 5], backend: be }), tensor(host([6], 36, 0.1, 1), { backend: be })), [6, 5]);
  });
  it('initialisers draw the same numbers on both backends (one Philox stream), and safetensors reads GPU tensors', async () => {
    const draw = async (backend: string, init: (p: Parameter) => void): Promise<TypedArray> => {
      manualSeed(17);
      const p = new Parameter(zeros([8, 6], { backend }));
      init(p);
      expect(p.backend.name).toBe(backend);
      return p.data();
    };
    expectClose(await draw('webgpu', (p) => xavierUniform_(p)), await draw('cpu', (p) => xavierUniform_(p)), { rtol: 1e-6, atol: 1e-6 }, 'xavierUniform_');
    expectClose(await draw('webgpu', (p) => orthogonal_(p, 2)), await draw('cpu', (p) => orthogonal_(p, 2)), { rtol: 1e-6, atol: 1e-6 }, 'orthogonal_');
    const net = buildOn('webgpu', () => new Linear(3, 2));
    const bytes = await saveSafetensorsAsync(net.stateDict());
    const back = loadSafetensors(bytes).tensors;
    const cpuCopy = new Linear(3, 2);
    cpuCopy.loadStateDict(back);
    expect(saveSafetensors(cpuCopy.stateDict())).toEqual(bytes);
  });
});
