import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError, randn, manualSeed, tensor, zeros, type Tensor } from '@webgrad/core-tensor';
import { gradcheck } from '@webgrad/autograd';
import {
  causalMask,
  generateSquareSubsequentMask,
  scaledDotProductAttention,
  scaledDotProductAttentionWithWeights,
} from '@webgrad/transformer';
import { expectMatches, fromSpec, maybeSpec, readFixture, type TensorSpec } from './pytorch-fixture.js';

interface SdpaCase {
  name: string;
  q: TensorSpec;
  k: TensorSpec;
  v: TensorSpec;
  mask: TensorSpec | null;
  scale: number | null;
  R: TensorSpec;
  output: TensorSpec;
  weights: TensorSpec;
  grads: Record<'q' | 'k' | 'v', TensorSpec>;
}

const { sdpa } = readFixture<{ sdpa: SdpaCase[] }>('gpt');

describe('scaledDotProductAttention = softmax(q·kᵀ·scale + mask)·v (PyTorch, written out)', () => {
  for (const c of sdpa) {
    it(c.name, () => {
      const [q, k, v] = [fromSpec(c.q, true), fromSpec(c.k, true), fromSpec(c.v, true)];
      const { output, weights } = scaledDotProductAttentionWithWeights(q, k, v, { mask: maybeSpec(c.mask), ...(c.scale === null ? {} : { scale: c.scale }) });
      expectMatches(output, c.output, 'output');
      expectMatches(weights, c.weights, 'weights');
      output.mul(fromSpec(c.R)).sum().backward();
      expectMatches(q.grad, c.grads.q, '∂L/∂q');
      expectMatches(k.grad, c.grads.k, '∂L/∂k');
      expectMatches(v.grad, c.grads.v, '∂L/∂v');
    });
  }

  it('every row of the weights is a distribution, and masked keys get exactly 0', () => {
    manualSeed(1);
    const q = randn([2, 4, 3]);
    const k = randn([2, 5, 3]);
    const mask = tensor([[true, true, false, true, false]]);
    const { weights } = scaledDotProductAttentionWithWeights(q, k, randn([2, 5, 2]), { mask });
    const w = weights.dataSync();
    for (let row = 0; row < 8; row++) {
      const r = Array.from(w.subarray(row * 5, row * 5 + 5));
      expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect([r[2], r[4]]).toEqual([0, 0]);
    }
  });

  it('causal: true equals the explicit lower-triangular bool mask and the additive −∞ mask', () => {
    manualSeed(2);
    const [q, k, v] = [randn([3, 6, 4]), randn([3, 6, 4]), randn([3, 6, 2])];
    const viaFlag = scaledDotProductAttention(q, k, v, { causal: true }).dataSync();
    const viaBool = scaledDotProductAttention(q, k, v, { mask: causalMask(6, 6) }).dataSync();
    const viaFloat = scaledDotProductAttention(q, k, v, { mask: generateSquareSubsequentMask(6) }).dataSync();
    expect(Array.from(viaBool)).toEqual(Array.from(viaFlag));
    expect(Array.from(viaFloat)).toEqual(Array.from(viaFlag));
  });

  it('dropout on the weights is seeded, inverted (kept weights scaled by 1/(1−p)) and leaves zeros', () => {
    manualSeed(3);
    const [q, k, v] = [randn([1, 8, 4]), randn([1, 8, 4]), randn([1, 8, 4])];
    const plain = scaledDotProductAttentionWithWeights(q, k, v).weights.dataSync();
    manualSeed(9);
    const a = scaledDotProductAttentionWithWeights(q, k, v, { dropout: 0.5 }).weights.dataSync();
    manualSeed(9);
    const b = scaledDotProductAttentionWithWeights(q, k, v, { dropout: 0.5 }).weights.dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    let dropped = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] === 0) dropped++;
      else expect(a[i]).toBeCloseTo(plain[i]! * 2, 6);
    }
    expect(dropped).toBeGreaterThan(10);
    expect(dropped).toBeLessThan(54);
  });

  it('gradcheck (float64, central differences): ∂/∂q, ∂/∂k, ∂/∂v with a float mask', () => {
    manualSeed(4);
    const q = randn([2, 3, 4], { dtype: 'float64', requiresGrad: true });
    const k = randn([2, 5, 4], { dtype: 'float64', requiresGrad: true });
    const v = randn([2, 5, 3], { dtype: 'float64', requiresGrad: true });
    const mask = randn([3, 5], { dtype: 'float64' });
    const result = gradcheck((a: Tensor, b: Tensor, c: Tensor) => scaledDotProductAttention(a, b, c, { mask }), [q, k, v]);
    expect(result.ok, JSON.stringify(result)).toBe(true);
  });

  it('gradcheck with the causal mask and a custom scale', () => {
    manualSeed(5);
    const q = randn([1, 2, 4, 3], { dtype: 'float64', requiresGrad: true });
    const k = randn([1, 2, 4, 3], { dtype: 'float64', requiresGrad: true });
    const v = randn([1, 2, 4, 2], { dtype: 'float64', requiresGrad: true });
    const result = gradcheck((a: Tensor, b: Tensor, c: Tensor) => scaledDotProductAttention(a, b, c, { causal: true, scale: 0.7 }), [q, k, v]);
    expect(result.ok, JSON.stringify(result)).toBe(true);
  });

  it('errors name the op, the shapes and what was expected', () => {
    const q = zeros([2, 4, 3]);
    expect(() => scaledDotProductAttention(q, zeros([2, 5, 4]), zeros([2, 5, 2]))).toThrow(
      new ShapeError('scaledDotProductAttention', 'expected query [..., L, E], key [..., S, E], value [..., S, Ev], got query [2,4,3], key [2,5,4], value [2,5,2]'),
    );
    expect(() => scaledDotProductAttention(q, zeros([2, 5, 3]), zeros([2, 5, 2]), { mask: zeros([4, 4]) })).toThrow(
      /mask of shape \[4,4\] does not broadcast to the scores \[2,4,5\]/,
    );
    expect(() => scaledDotProductAttention(q, q, q, { mask: zeros([4, 4]), causal: true })).toThrow(ArgumentError);
    expect(() => scaledDotProductAttention(q, zeros([3, 4, 3]), zeros([3, 4, 3]))).toThrow(/batch axes of query, key and value do not broadcast/);
  });
});
