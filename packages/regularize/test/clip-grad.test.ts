import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tensor, zeros, type Tensor } from '@webgrad/core-tensor';
import { Linear } from '@webgrad/nn';
import { clipGradNorm, clipGradValue } from '@webgrad/regularize';
import { expectClose, type FixtureTensor } from './close-to.js';

interface ClipFixture {
  grads: FixtureTensor[];
  norm: { normType: number | 'inf'; maxNorm: number; total: number; after: FixtureTensor[] }[];
  value: { clipValue: number; after: FixtureTensor[] }[];
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/clip.json', import.meta.url), 'utf8'),
) as ClipFixture;

/** Three parameters holding the fixture's gradients. */
function withGrads(): Tensor[] {
  return fixture.grads.map((g) => {
    const p = zeros(g.shape, { requiresGrad: true });
    p.grad = tensor(Float32Array.from(g.data), { shape: g.shape });
    return p;
  });
}

describe('clipGradNorm against torch.nn.utils.clip_grad_norm_', () => {
  it.each(fixture.norm.map((c) => [c.normType, c.maxNorm, c] as const))(
    'p = %s, maxNorm = %s: total norm and clipped gradients',
    (_, __, c) => {
      const params = withGrads();
      const total = clipGradNorm(params, c.maxNorm, c.normType === 'inf' ? Infinity : c.normType);
      expectClose([total.item()], [c.total], 1e-5, 'total norm');
      params.forEach((p, i) =>
        expectClose(p.grad!.dataSync(), c.after[i]!.data, 1e-5, `gradient ${i}`),
      );
    },
  );

  it('clips to exactly maxNorm (up to the 1e-6 guard) and keeps the direction', () => {
    const p = zeros([2], { requiresGrad: true });
    p.grad = tensor([3, 4]);
    expect(clipGradNorm([p], 1).item()).toBeCloseTo(5, 6);
    expectClose(p.grad.dataSync(), [0.6, 0.8], 1e-6, 'g·1/‖g‖');
  });

  it('skips tensors without a gradient, takes a module, and returns 0 when nothing has a gradient', () => {
    const lin = new Linear(2, 2);
    expect(clipGradNorm(lin, 1).item()).toBe(0);
    lin.weight.grad = tensor([
      [0, 3],
      [4, 0],
    ]);
    expect(clipGradNorm(lin, 10).item()).toBeCloseTo(5, 6);
    expect(lin.bias!.grad).toBeNull();
  });

  it('reports a non-finite total norm when asked, else scales by it as PyTorch does', () => {
    const p = zeros([2], { requiresGrad: true });
    p.grad = tensor([Number.NaN, 1]);
    expect(() => clipGradNorm([p], 1, 2, true)).toThrow(
      'clipGradNorm: the total norm of order 2 for gradients from params is non-finite, so it cannot be clipped',
    );
    expect(Number.isNaN(clipGradNorm([p], 1).item())).toBe(true);
    expect(() => clipGradNorm([p], 1, 0)).toThrow(
      'clipGradNorm: normType must be a positive number or Infinity, got 0',
    );
  });
});

describe('clipGradValue against torch.nn.utils.clip_grad_value_', () => {
  it.each(fixture.value.map((c) => [c.clipValue, c] as const))('clipValue = %s', (_, c) => {
    const params = withGrads();
    clipGradValue(params, c.clipValue);
    params.forEach((p, i) =>
      expectClose(p.grad!.dataSync(), c.after[i]!.data, 1e-7, `gradient ${i}`),
    );
  });
});
