import { describe, expect, it } from 'vitest';
import { addDispatchListener, manualSeed, rand, randn, tensor, toBackend, type Tensor, type TypedArray } from '@webgrad/core-tensor';
import { gradcheck, gradients } from '@webgrad/autograd';
import { causalMask, scaledDotProductAttention } from '@webgrad/transformer';
import { fusedScaledDotProductAttention } from '../src/scaled-dot-product-attention.js';
import { acquireWebgpu, describeOnWebgpu } from '../../core-tensor/test/conformance/webgpu-under-test.js';

// The fused op computes o = Σⱼ softmax(s)ⱼ·vⱼ with s = scale·q·kᵀ + mask from one row of
// scores at a time (CPU) or from tiles of 16 keys with an online softmax (WebGPU). Both
// must equal the composed path softmax(q·kᵀ·scale + M)·V, and so must their gradients.

const gpu = await acquireWebgpu();

function expectClose(got: TypedArray, want: TypedArray, what: string, tol: number): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = Number(want[i]);
    const g = Number(got[i]);
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (!(Math.abs(g - w) <= tol * (1 + Math.abs(w)))) expect.fail(`${what}: element ${i} is ${g}, expected ${w}`);
  }
}

function fused(q: Tensor, k: Tensor, v: Tensor, options: Parameters<typeof scaledDotProductAttention>[3] = {}): Tensor {
  const y = fusedScaledDotProductAttention(q, k, v, options);
  if (y === null) throw new Error('the fused op was expected to apply');
  return y;
}

/** Cases: batch × heads, odd lengths over several 16-wide tiles, E not a multiple of 4, L ≠ S. */
interface Case {
  name: string;
  q: number[];
  k: number[];
  v: number[];
  mask?: () => Tensor;
  causal?: boolean;
  scale?: number;
}

const CASES: Case[] = [
  { name: 'no mask, [2, 3] batch, L 37, S 29, E 5, Ev 7', q: [2, 3, 37, 5], k: [2, 3, 29, 5], v: [2, 3, 29, 7] },
  { name: 'causal, L = S = 33, E 6', q: [2, 2, 33, 6], k: [2, 2, 33, 6], v: [2, 2, 33, 3], causal: true },
  { name: 'causal, L 19 < S 40 (top-left aligned)', q: [1, 19, 3], k: [1, 40, 3], v: [1, 40, 4], causal: true, scale: 0.3 },
  {
    name: 'bool key-padding mask [2, 1, 1, S]',
    q: [2, 3, 17, 5],
    k: [2, 3, 21, 5],
    v: [2, 3, 21, 5],
    mask: () => tensor(Array.from({ length: 2 }, (_, b) => [[Array.from({ length: 21 }, (_, j) => j < 21 - 6 * b)]])),
  },
  { name: 'additive float mask [L, S]', q: [3, 2, 18, 9], k: [3, 2, 23, 9], v: [3, 2, 23, 2], mask: () => randn([18, 23]) },
  { name: 'KV-cache mask (offset causal) over a shared batch-1 key', q: [2, 4, 5, 8], k: [1, 4, 20, 8], v: [1, 4, 20, 8], mask: () => causalMask(5, 20, { offset: 15 }) },
];

function inputsOf(c: Case, seed: number, dtype: 'float32' | 'float64'): { q: Tensor; k: Tensor; v: Tensor; mask: Tensor | null } {
  manualSeed(seed);
  return { q: randn(c.q, { dtype }), k: randn(c.k, { dtype }), v: randn(c.v, { dtype }), mask: c.mask ? c.mask() : null };
}

function optionsOf(c: Case, mask: Tensor | null): Parameters<typeof scaledDotProductAttention>[3] {
  return { ...(mask ? { mask } : {}), ...(c.causal ? { causal: true } : {}), ...(c.scale !== undefined ? { scale: c.scale } : {}) };
}

describe('the fused attention op on the CPU (the exact reference of the WebGPU kernel)', () => {
  it.each(CASES)('equals the composed softmax(q·kᵀ·scale + M)·V and its gradients: $name', (c) => {
    const { q, k, v, mask } = inputsOf(c, 1, 'float64');
    const opts = optionsOf(c, mask);
    const [qf, kf, vf] = [q, k, v].map((t) => t.detach().requiresGrad_(true)) as [Tensor, Tensor, Tensor];
    const [qc, kc, vc] = [q, k, v].map((t) => t.detach().requiresGrad_(true)) as [Tensor, Tensor, Tensor];
    const w = randn([...q.shape.slice(0, -1), v.shape[v.rank - 1]!], { dtype: 'float64' });
    const yf = fused(qf, kf, vf, opts);
    const yc = scaledDotProductAttention(qc, kc, vc, opts);
    expectClose(yf.dataSync(), yc.dataSync(), 'output', 1e-12);
    yf.mul(w).sum().backward();
    yc.mul(w).sum().backward();
    for (const [name, a, b] of [
      ['∂/∂q', qf, qc],
      ['∂/∂k', kf, kc],
      ['∂/∂v', vf, vc],
    ] as const) {
      expectClose(a.grad!.dataSync(), b.grad!.dataSync(), name, 1e-10);
    }
  });

  it('a fully masked row gives NaN, as the composed softmax does', () => {
    const q = randn([1, 2, 3], { dtype: 'float64' });
    const kv = randn([1, 3, 3], { dtype: 'float64' });
    const mask = tensor([
      [false, false, false],
      [true, false, true],
    ]);
    const y = fused(q, kv, kv, { mask }).dataSync();
    const want = scaledDotProductAttention(q, kv, kv, { mask }).dataSync();
    expect(Array.from(want.slice(0, 3)).every(Number.isNaN)).toBe(true);
    expect(Array.from(y.slice(0, 3)).every(Number.isNaN)).toBe(true);
    expectClose(y.slice(3), want.slice(3), 'visible row', 1e-12);
  });

  it('gradcheck of the fused op (float64, central differences) with a float mask', () => {
    manualSeed(4);
    const q = randn([2, 3, 4], { dtype: 'float64' });
    const k = randn([2, 5, 4], { dtype: 'float64' });
    const v = randn([2, 5, 3], { dtype: 'float64' });
    const mask = randn([3, 5], { dtype: 'float64' });
    const result = gradcheck((a: Tensor, b: Tensor, c: Tensor) => fused(a, b, c, { mask }), [q, k, v]);
    expect(result.ok, result.message).toBe(true);
  });

  it('gradcheck of the fused op with the causal mask and a custom scale', () => {
    manualSeed(5);
    const q = randn([1, 2, 4, 3], { dtype: 'float64' });
    const k = randn([1, 2, 6, 3], { dtype: 'float64' });
    const v = randn([1, 2, 6, 2], { dtype: 'float64' });
    const result = gradcheck((a: Tensor, b: Tensor, c: Tensor) => fused(a, b, c, { causal: true, scale: 0.7 }), [q, k, v]);
    expect(result.ok, result.message).toBe(true);
  });

  it('createGraph: the recorded gradient equals the fused backward kernel, and differentiates again', () => {
    manualSeed(6);
    const q = randn([2, 5, 3], { dtype: 'float64', requiresGrad: true });
    const k = randn([2, 7, 3], { dtype: 'float64', requiresGrad: true });
    const v = randn([2, 7, 4], { dtype: 'float64', requiresGrad: true });
    const loss = (): Tensor => fused(q, k, v, { causal: true }).pow(2).sum();
    const plain = gradients([loss()], [q, k, v]);
    const recorded = gradients([loss()], [q, k, v], { createGraph: true });
    for (let i = 0; i < 3; i++) expectClose(recorded[i]!.dataSync(), plain[i]!.dataSync(), `gradient ${i}`, 1e-12);
    // the recorded gradient is a graph of q: its own gradient (a Hessian-vector product) exists and is finite
    const [hq] = gradients([recorded[0]!.sum()], [q]);
    expect(Array.from(hq!.dataSync()).every(Number.isFinite)).toBe(true);
  });
});

describeOnWebgpu(gpu, 'fused attention on WebGPU equals the CPU', () => {
  it.each(CASES)('output and gradients: $name', async (c) => {
    const { q, k, v, mask } = inputsOf(c, 2, 'float32');
    const w = rand([...q.shape.slice(0, -1), v.shape[v.rank - 1]!]);
    const run = (backend: string): { y: Tensor; grads: Tensor[] } => {
      const [qb, kb, vb] = [q, k, v].map((t) => toBackend(t, backend).requiresGrad_(true)) as [Tensor, Tensor, Tensor];
      const y = scaledDotProductAttention(qb, kb, vb, optionsOf(c, mask ? toBackend(mask, backend) : null));
      return { y, grads: gradients([y.mul(toBackend(w, backend)).sum()], [qb, kb, vb]) };
    };
    const ops: string[] = [];
    const stop = addDispatchListener((op) => ops.push(op));
    const g = run('webgpu');
    stop();
    expect(ops).toContain('scaledDotProductAttention');
    expect(ops).toContain('scaledDotProductAttentionBackward');
    expect(ops).not.toContain('softmax');
    const cpu = run('cpu');
    expectClose(await g.y.data(), cpu.y.dataSync(), 'output', 1e-5);
    for (let i = 0; i < 3; i++) expectClose(await g.grads[i]!.data(), cpu.grads[i]!.dataSync(), `∂/∂${'qkv'[i]}`, 1e-4);
  });
});
