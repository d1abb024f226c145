import { expect, it } from 'vitest';
import {
  conv2d,
  findBackend,
  gather,
  indexSelect,
  logSoftmax,
  matmul,
  maxPool2d,
  memory,
  softmax,
  tensor,
  tidy,
  type Tensor,
  type TypedArray,
} from '@webgrad/core-tensor';
import { backward, grad } from '@webgrad/autograd';
import { acquireWebgpu, describeOnWebgpu } from '../../core-tensor/test/conformance/webgpu-under-test.js';

// Autograd is backend-agnostic (gradients are tensor ops), so the same
// functions are differentiated on the CPU and on WebGPU and must agree.

const gpu = await acquireWebgpu();

/** Deterministic inputs (mulberry32), identical on both backends. */
function host(shape: number[], seed: number, lo = -1, hi = 1): Float32Array {
  let a = seed >>> 0;
  const v = new Float32Array(shape.reduce((x, y) => x * y, 1));
  for (let i = 0; i < v.length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    v[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return v;
}

function expectClose(got: TypedArray, want: TypedArray, tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = Number(want[i]);
    if (Math.abs(Number(got[i]) - w) > tol * (1 + Math.abs(w))) {
      expect.fail(`element ${i}: ${got[i]} on webgpu, ${w} on the cpu`);
    }
  }
}

/** Differentiates `f` at the same inputs on both backends and compares the gradients. */
async function gradientsAgree(f: (...xs: Tensor[]) => Tensor, inputs: { shape: number[]; seed: number }[], tol = 2e-5): Promise<void> {
  const run = (backend: string) => grad(f)(...inputs.map((x) => tensor(host(x.shape, x.seed), { shape: x.shape, backend })));
  const want = run('cpu');
  const got = run('webgpu');
  for (let k = 0; k < want.length; k++) {
    expect(got[k]!.backend.name).toBe('webgpu');
    expectClose(await got[k]!.data(), await want[k]!.data(), tol);
  }
}

describeOnWebgpu(gpu, 'autograd on webgpu', () => {
  it('MLP with softmax cross-entropy: gradients match the cpu', async () => {
    const labels = new Int32Array([3, 0, 9, 4, 4, 1, 7, 2]);
    await gradientsAgree(
      (x, w1, b1, w2) => {
        const h = matmul(x, w1).add(b1).tanh();
        const logp = logSoftmax(matmul(h, w2), -1);
        const y = tensor(labels, { shape: [8, 1], backend: x.backend.name });
        return gather(logp, 1, y).mean().neg();
      },
      [
        { shape: [8, 20], seed: 1 },
        { shape: [20, 32], seed: 2 },
        { shape: [32], seed: 3 },
        { shape: [32, 10], seed: 4 },
      ],
    );
  });

  it('conv2d + max pooling + softmax: gradients match the cpu', async () => {
    await gradientsAgree(
      (x, w) => softmax(maxPool2d(conv2d(x, w, null, { padding: 1 }).relu(), 2).flatten(1), -1).square().sum(),
      [
        { shape: [2, 3, 9, 9], seed: 5 },
        { shape: [4, 3, 3, 3], seed: 6 },
      ],
    );
  });

  it('embedding lookup, broadcasting and reductions: gradients match the cpu', async () => {
    const ids = new Int32Array([5, 0, 5, 2, 9, 5]);
    await gradientsAgree(
      (table, scale) => {
        const e = indexSelect(table, 0, tensor(ids, { backend: table.backend.name }));
        return e.mul(scale).sigmoid().sum(0).pow(2).mean().add(e.max(1).sum());
      },
      [
        { shape: [10, 7], seed: 7 },
        { shape: [1, 7], seed: 8 },
      ],
    );
  });

  it('2,000 SGD steps of an MLP on webgpu keep live tensors, bytes and pooled buffers flat, and the loss falls', async () => {
    const be = 'webgpu';
    const x = tensor(host([64, 16], 11), { shape: [64, 16], backend: be });
    const target = tensor(host([64, 4], 12), { shape: [64, 4], backend: be });
    const w1 = tensor(host([16, 32], 13, -0.3, 0.3), { shape: [16, 32], backend: be, requiresGrad: true });
    const b1 = tensor(new Float32Array(32), { backend: be, requiresGrad: true });
    const w2 = tensor(host([32, 4], 14, -0.3, 0.3), { shape: [32, 4], backend: be, requiresGrad: true });
    const params = [w1, b1, w2];
    const step = (): Tensor =>
      tidy(() => {
        const loss = matmul(matmul(x, w1).add(b1).relu(), w2).sub(target).square().mean();
        backward(loss);
        for (const p of params) {
          p.assign_(p.sub(p.grad!.mul(0.05)).detach());
          // leaf gradients outlive tidy (optimizers read them): free them here
          p.grad!.dispose();
          p.grad = null;
        }
        return loss;
      });
    const first = step();
    const firstLoss = await first.itemAsync();
    first.dispose();
    for (let i = 0; i < 20; i++) step().dispose();
    const gpuBackend = findBackend('webgpu');
    const before = { ...memory(), buffers: gpuBackend.info().details.poolBuffers };
    let last = 0;
    for (let i = 21; i < 2000; i++) {
      const loss = step();
      if (i === 1999) last = await loss.itemAsync();
      loss.dispose();
    }
    const after = { ...memory(), buffers: gpuBackend.info().details.poolBuffers };
    // garbage from earlier tests may be collected meanwhile, so counts may
    // fall; a leak of a single tensor a step would add about 2,000
    expect(after.numTensors).toBeLessThanOrEqual(before.numTensors);
    expect(after.bytesByBackend.webgpu!).toBeLessThanOrEqual(before.bytesByBackend.webgpu!);
    expect(after.buffers).toBe(before.buffers);
    expect(last).toBeLessThan(firstLoss * 0.5);
  });
});
