import { describe, expect, it } from 'vitest';
import { addDispatchListener, conv2d, manualSeed, randn, setBackend, toBackend, type Tensor, type TypedArray } from '@webgrad/core-tensor';
import { gradcheck, gradients } from '@webgrad/autograd';
import { Conv2d } from '@webgrad/nn';
import { conv2dGemm, type Conv2dGemmGeometry } from '../src/conv2d-gemm.js';
import { acquireWebgpu, describeOnWebgpu } from '../../core-tensor/test/conformance/webgpu-under-test.js';

// conv2dGemm(x, w, b) = y with y[n, o, i, j] = b[o] + Σ_{c,ky,kx} w[o, c, ky, kx]·x[n, g(o)·Cg + c, i·sh − ph + ky·dh, j·sw − pw + kx·dw]
// (zero outside the image): the direct loop on the CPU, the implicit GEMM on WebGPU; both must
// equal core-tensor's composed unfold + matmul conv2d, as must their gradients.

const gpu = await acquireWebgpu();

function expectClose(got: TypedArray, want: TypedArray, what: string, tol: number): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = Number(want[i]);
    if (!(Math.abs(Number(got[i]) - w) <= tol * (1 + Math.abs(w)))) expect.fail(`${what}: element ${i} is ${got[i]}, expected ${w}`);
  }
}

interface Case {
  name: string;
  x: number[];
  w: number[];
  g: Conv2dGemmGeometry;
}

const CASES: Case[] = [
  { name: '3×3, padding 1, odd sizes', x: [2, 3, 9, 7], w: [5, 3, 3, 3], g: { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 } },
  { name: 'stride 2 × 3, padding 2 × 0, dilation 2 × 1', x: [1, 4, 13, 11], w: [6, 4, 3, 2], g: { stride: [2, 3], padding: [2, 0], dilation: [2, 1], groups: 1 } },
  { name: 'groups 3', x: [2, 6, 8, 9], w: [9, 2, 3, 3], g: { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 3 } },
  { name: 'more than one 64×64 tile: 70 channels, 81 windows, K = 45', x: [1, 5, 11, 11], w: [70, 5, 3, 3], g: { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 } },
];

function inputs(c: Case, dtype: 'float32' | 'float64'): [Tensor, Tensor, Tensor] {
  manualSeed(7);
  return [randn(c.x, { dtype }), randn(c.w, { dtype }), randn([c.w[0]!], { dtype })];
}

describe('conv2dGemm on the CPU', () => {
  it.each(CASES)('equals the composed unfold + matmul conv2d and its gradients: $name', (c) => {
    const [x, w, b] = inputs(c, 'float64').map((t) => t.requiresGrad_(true)) as [Tensor, Tensor, Tensor];
    const y = conv2dGemm(x, w, b, c.g);
    const want = conv2d(x, w, b, c.g);
    expectClose(y.dataSync(), want.dataSync(), 'output', 1e-12);
    const r = randn(y.shape, { dtype: 'float64' });
    const g1 = gradients([y.mul(r).sum()], [x, w, b]);
    const g2 = gradients([want.mul(r).sum()], [x, w, b]);
    for (let i = 0; i < 3; i++) expectClose(g1[i]!.dataSync(), g2[i]!.dataSync(), `gradient ${i}`, 1e-12);
  });

  it('gradcheck (float64) with stride, padding, dilation and groups', () => {
    const c: Case = { name: '', x: [1, 4, 6, 5], w: [2, 2, 2, 3], g: { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 } };
    const result = gradcheck((x: Tensor, w: Tensor, b: Tensor) => conv2dGemm(x, w, b, c.g), inputs(c, 'float64'));
    expect(result.ok, result.message).toBe(true);
  });
});

describeOnWebgpu(gpu, 'conv2dGemm on WebGPU (implicit GEMM) equals the CPU', () => {
  it.each(CASES)('output and gradients: $name', async (c) => {
    const host = inputs(c, 'float32');
    const r = randn([c.x[0]!, c.w[0]!, 1, 1]);
    const run = (backend: string): { y: Tensor; g: Tensor[] } => {
      const [x, w, b] = host.map((t) => toBackend(t, backend).requiresGrad_(true)) as [Tensor, Tensor, Tensor];
      const y = conv2dGemm(x, w, b, c.g);
      return { y, g: gradients([y.mul(toBackend(r, backend)).sum()], [x, w, b]) };
    };
    const g = run('webgpu');
    const cpu = run('cpu');
    expectClose(await g.y.data(), cpu.y.dataSync(), 'output', 1e-5);
    for (let i = 0; i < 3; i++) expectClose(await g.g[i]!.data(), cpu.g[i]!.dataSync(), `gradient ${i}`, 1e-4);
  });

  it("Conv2d runs as one conv2dGemm dispatch on WebGPU (no unfold) and equals the CPU layer, 'same' padding", async () => {
    manualSeed(8);
    const cpu = new Conv2d(3, 4, [3, 5], { padding: 'same', bias: true });
    setBackend('webgpu');
    const layer = new Conv2d(3, 4, [3, 5], { padding: 'same', bias: true });
    setBackend('cpu', 'the CPU is the reference');
    layer.loadStateDict(cpu.stateDict());
    const x = randn([2, 3, 7, 6]);
    const ops: string[] = [];
    const stop = addDispatchListener((op) => ops.push(op));
    const y = layer.forward(toBackend(x, 'webgpu'));
    stop();
    expect(ops).toContain('conv2dGemm');
    expect(ops).not.toContain('unfold');
    expectClose(await y.data(), cpu.forward(x).dataSync(), 'output', 1e-5);
  });
});
