import { describe, expect, it } from 'vitest';
import { hasKernel, manualSeed, mul, randn, rsqrt, sum, type Tensor } from '@webgrad/core-tensor';
import { gradcheck, gradients } from '@webgrad/autograd';
import { LayerNorm, layerNorm } from '@webgrad/regularize';
import { expectClose } from './close-to.js';

// layerNorm runs as one fused op (kernel `layerNorm`, gradient kernel `layerNormBackward`).
// It must equal the definition y = γ ⊙ (x − μ)/√(σ² + ε) + β over the normalised axes,
// with μ and the biased σ² per sample, written here with separate ops.

const f64 = { dtype: 'float64' as const };

function byDefinition(
  x: Tensor,
  d: number,
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
): Tensor {
  const axes = Array.from({ length: d }, (_, i) => x.rank - d + i);
  const centered = x.sub(x.mean(axes, true));
  let y = centered.mul(rsqrt(centered.square().mean(axes, true).add(eps)));
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

describe('the fused layer norm op', () => {
  it('is registered on the cpu, with its backward op', () => {
    expect(hasKernel('layerNorm', 'cpu')).toBe(true);
    expect(hasKernel('layerNormBackward', 'cpu')).toBe(true);
  });

  const cases: [string, number[], number[], boolean][] = [
    ['rows of one axis', [4, 7], [7], true],
    ['two normalised axes under rank-2 leading axes', [2, 3, 4, 5], [4, 5], true],
    ['without affine parameters', [3, 6], [6], false],
    ['a single row', [9], [9], true],
  ];
  for (const [name, shape, normalized, affine] of cases) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`equals the definition: ${name} (${dtype})`, () => {
        manualSeed(41);
        const x = randn(shape, { dtype }).mul(3).add(1);
        const w = affine ? randn(normalized, { dtype }) : null;
        const b = affine ? randn(normalized, { dtype }) : null;
        const got = layerNorm(x, normalized, { weight: w, bias: b, eps: 1e-5 });
        expect(got.shape).toEqual(shape);
        expectClose(
          got.dataSync(),
          byDefinition(x, normalized.length, w, b, 1e-5).dataSync(),
          dtype === 'float32' ? 2e-6 : 1e-13,
          name,
        );
      });
    }
  }

  it('passes gradcheck for x, γ and β (float64 central differences)', () => {
    manualSeed(42);
    const f = (x: Tensor, w: Tensor, b: Tensor): Tensor =>
      layerNorm(x, [3, 2], { weight: w, bias: b, eps: 1e-3 });
    expect(
      gradcheck(f, [randn([2, 2, 3, 2], f64), randn([3, 2], f64), randn([3, 2], f64)]).ok,
    ).toBe(true);
    expect(gradcheck((x: Tensor) => layerNorm(x, 5), [randn([3, 5], f64)]).ok).toBe(true);
  });

  it('has a differentiable gradient: second derivatives equal those of the definition', () => {
    manualSeed(43);
    const inputs = [randn([3, 4], f64), randn([4], f64), randn([4], f64)].map((t) =>
      t.requiresGrad_(),
    );
    const secondOrder = (norm: (x: Tensor, w: Tensor, b: Tensor) => Tensor): Tensor[] => {
      const y = norm(inputs[0]!, inputs[1]!, inputs[2]!);
      const g = gradients(sum(mul(y, y.sin())), inputs, { createGraph: true });
      return gradients(sum(mul(g[0]!, g[0]!)).add(sum(mul(g[1]!, g[2]!))), inputs, {
        allowUnused: true,
      });
    };
    const a = secondOrder((x, w, b) => layerNorm(x, 4, { weight: w, bias: b }));
    const b = secondOrder((x, w, bias) => byDefinition(x, 1, w, bias, 1e-5));
    a.forEach((t, i) => expectClose(t.dataSync(), b[i]!.dataSync(), 1e-10, `input ${i}`));
  });

  it('LayerNorm’s parameters get dγ = Σ dy·x̂ and dβ = Σ dy over every sample', () => {
    manualSeed(44);
    const ln = new LayerNorm(6, f64);
    const x = randn([5, 2, 6], f64);
    const dy = randn([5, 2, 6], f64);
    sum(mul(ln.forward(x), dy)).backward();
    const xhat = byDefinition(x, 1, null, null, 1e-5);
    expectClose(ln.weight!.grad!.dataSync(), mul(dy, xhat).sum([0, 1]).dataSync(), 1e-12, 'dγ');
    expectClose(ln.bias!.grad!.dataSync(), dy.sum([0, 1]).dataSync(), 1e-12, 'dβ');
  });
});
