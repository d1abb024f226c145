import { expect, it } from 'vitest';
import { manualSeed, memory, oneHot, randn, relu, tensor, tidy, type Tensor, type TypedArray } from '@webgrad/core-tensor';
import { backward } from '@webgrad/autograd';
import { crossEntropy, Linear, Parameter } from '@webgrad/nn';
import { Adam } from '@webgrad/optim';
import { acquireWebgpu, describeOnWebgpu } from '../../core-tensor/test/conformance/webgpu-under-test.js';

// An MLP trained entirely in float16 on WebGPU: parameters, activations,
// gradients and Adam's moments are float16 (2 bytes an element on the GPU),
// every kernel computing in f32 and storing f16. Linear uses nn's fused
// matmulBiasAct forward; its backward is matmul with transposed operands and
// sums. The training loss is cross-entropy on class indices (its gradient
// goes through scatterAdd, which runs on float32 copies on WebGPU); the
// one-step comparison uses one-hot probabilities.

const gpu = await acquireWebgpu({ float16: true });

function halfLinear(inF: number, outF: number): Linear {
  const l = new Linear(inF, outF);
  l.weight = new Parameter(l.weight.cast('float16').to('webgpu'));
  l.bias = new Parameter(l.bias!.cast('float16').to('webgpu'));
  return l;
}

describeOnWebgpu(gpu, 'float16 training on webgpu', () => {
  it('a 20-32-4 MLP with Adam: every tensor stays float16 and the loss falls', async () => {
    manualSeed(3);
    const l1 = halfLinear(20, 32);
    const l2 = halfLinear(32, 4);
    const params = [...l1.parameters(), ...l2.parameters()];
    const x = randn([64, 20], { dtype: 'float16', backend: 'webgpu' });
    // classes from a fixed rule the network can learn: which of the first four features is largest
    const xs = await x.data();
    const labels = Array.from({ length: 64 }, (_, i) => {
      const row = Array.from(xs.subarray(i * 20, i * 20 + 4));
      return row.indexOf(Math.max(...row));
    });
    const target = tensor(labels, { dtype: 'int32', backend: 'webgpu' });
    // eps 1e-4, the usual advice for half precision: second moments of small gradients underflow in
    // float16 (as in PyTorch), and a zero v with eps 1e-8 turns a tiny gradient into a huge step
    const opt = new Adam(params, { lr: 1e-2, eps: 1e-4 });
    const losses: number[] = [];
    let afterFirst = memory();
    for (let step = 0; step < 40; step++) {
      const loss = tidy(() => {
        const l = crossEntropy(l2.forward(relu(l1.forward(x))), target);
        backward(l);
        return l;
      });
      expect(loss.dtype).toBe('float16');
      if (step === 0) for (const p of params) expect(p.grad!.dtype).toBe('float16');
      opt.step();
      opt.zeroGrad();
      losses.push((await loss.data())[0]!);
      loss.dispose();
      if (step === 0) afterFirst = memory();
    }
    // nothing leaks, the float32 temporaries of scatterAdd's float32 copies included
    expect(memory().numTensors).toBe(afterFirst.numTensors);
    expect(memory().bytesByBackend.webgpu).toBe(afterFirst.bytesByBackend.webgpu);
    for (const p of params) {
      expect(p.dtype).toBe('float16');
      expect(p.backend.name).toBe('webgpu');
      expect(Array.from(await p.data()).every(Number.isFinite)).toBe(true);
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[0]!).toBeGreaterThan(1);
    expect(losses[39]!).toBeLessThan(0.25 * losses[0]!);
  });

  it('one step matches the same step on the cpu float16 reference', async () => {
    const stepOn = async (backend: string): Promise<TypedArray[]> => {
      manualSeed(5);
      const l = new Linear(12, 6);
      l.weight = new Parameter(l.weight.cast('float16').to(backend));
      l.bias = new Parameter(l.bias!.cast('float16').to(backend));
      const x = randn([10, 12], { dtype: 'float16', backend });
      const t = oneHot(tensor([0, 1, 2, 3, 4, 5, 0, 1, 2, 3], { dtype: 'int32', backend }), 6).cast('float16');
      const opt = new Adam(l.parameters(), { lr: 1e-2 });
      const loss: Tensor = crossEntropy(l.forward(x), t);
      backward(loss);
      const grads = [await l.weight.grad!.data(), await l.bias!.grad!.data()];
      opt.step();
      return [...grads, await l.weight.data(), await l.bias!.data()];
    };
    const want = await stepOn('cpu');
    const got = await stepOn('webgpu');
    got.forEach((g, k) => {
      const scale = Math.max(...Array.from(want[k]!, Math.abs));
      // f32 sums in a different order on each backend, each result rounded to half: a few half ulps
      g.forEach((v, i) => expect(Math.abs(v - want[k]![i]!), `tensor ${k}[${i}]`).toBeLessThanOrEqual(4 * 2 ** -11 * scale));
    });
  });
});
