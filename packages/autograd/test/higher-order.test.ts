import { describe, expect, it } from 'vitest';
import { tensor, matmul, sum, mul, sin, exp, randn, manualSeed, type Tensor } from '@webgrad/core-tensor';
import { grad, hessian, hessianVectorProduct, jacobian, backward } from '@webgrad/autograd';

const values = (t: Tensor): number[] => Array.from(t.dataSync());

describe('gradients of gradients', () => {
  it('third derivative of x⁴ + 2x³ through nested grad is 24x + 12', () => {
    const f = (x: Tensor): Tensor => x.pow(4).add(x.pow(3).mul(2)).sum();
    const d1 = (x: Tensor): Tensor => grad(f)(x)[0]!.sum();
    const d2 = (x: Tensor): Tensor => grad(d1)(x)[0]!.sum();
    const d3 = grad(d2)(tensor([1.5, -2]))[0]!;
    expect(values(d3)[0]).toBeCloseTo(24 * 1.5 + 12, 3);
    expect(values(d3)[1]).toBeCloseTo(24 * -2 + 12, 3);
  });

  it('d²/dx² sin x = −sin x, d⁴/dx⁴ sin x = sin x', () => {
    let g = (x: Tensor): Tensor => sin(x).sum();
    const derivs: ((x: Tensor) => Tensor)[] = [];
    for (let k = 0; k < 4; k++) {
      const prev = g;
      g = (x: Tensor) => grad(prev)(x)[0]!.sum();
      derivs.push(g);
    }
    expect(derivs[1]!(tensor([0.7])).item()).toBeCloseTo(-Math.sin(0.7), 5);
    expect(derivs[3]!(tensor([0.7])).item()).toBeCloseTo(Math.sin(0.7), 4);
  });

  it('nested grad through a closure: d/dx [∂/∂y (x·y²)] = 2y', () => {
    const inner = (x: Tensor) => grad((y: Tensor) => x.mul(y.square()).sum())(tensor([3]))[0]!.sum();
    expect(grad(inner)(tensor([5]))[0]!.item()).toBe(6);
    // and at the top level the gradient carries no graph
    expect(grad((y: Tensor) => y.square().sum())(tensor([3]))[0]!.requiresGrad).toBe(false);
  });

  it('backward with createGraph leaves a differentiable .grad', () => {
    const x = tensor([2], { requiresGrad: true });
    backward(exp(x.square()).sum(), undefined, { createGraph: true }); // g = 2x e^{x²}
    const g = x.grad!;
    x.grad = null;
    backward(g.sum()); // g' = (2 + 4x²) e^{x²}
    expect(x.grad!.item() / Math.exp(4)).toBeCloseTo(18, 4);
  });
});

describe('Hessians, Hessian-vector products and Jacobians', () => {
  const A = tensor([[2, 0.5, 0], [0.5, 3, 1], [0, 1, 4]]);
  const b = tensor([1, -2, 0.5]);
  // f(w) = ½ wᵀAw + bᵀw + c, so ∇f = Aw + b and ∇²f = A
  const f = (w: Tensor): Tensor => matmul(w, matmul(A, w)).mul(0.5).add(matmul(b, w)).add(3);
  const w0 = tensor([0.2, -0.1, 0.4]);

  it('the Hessian of ½wᵀAw + bᵀw + c equals A', () => {
    const H = hessian(f, w0).arraySync() as number[][];
    const a = A.arraySync() as number[][];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(H[i]![j]).toBeCloseTo(a[i]![j]!, 5);
  });

  it('for a non-symmetric M the Hessian of ½wᵀMw is (M + Mᵀ)/2', () => {
    const M = tensor([[1, 2], [0, 3]]);
    const H = hessian((w) => matmul(w, matmul(M, w)).mul(0.5), tensor([1, 1])).arraySync();
    expect(H).toEqual([[1, 1], [1, 3]]);
  });

  it('hessianVectorProduct(f, w, v) = A·v without forming A', () => {
    const v = tensor([1, 0, -1]);
    const hv = values(hessianVectorProduct(f, w0, v));
    [2, -0.5, -4].forEach((e, i) => expect(hv[i]).toBeCloseTo(e, 5));
    expect(() => hessianVectorProduct(f, w0, tensor([1]))).toThrow('hessianVectorProduct: v [1] must have the shape of x [3]');
  });

  it('the Hessian of a matrix argument has shape [...x.shape, ...x.shape]', () => {
    manualSeed(1);
    const H = hessian((x) => sum(x.pow(3)), randn([2, 2]));
    expect(H.shape).toEqual([2, 2, 2, 2]);
  });

  it('jacobian of x ↦ Ax is A; of an elementwise map it is diagonal', () => {
    const J = jacobian((w) => matmul(A, w), w0).arraySync();
    expect(J).toEqual(A.arraySync());
    const D = jacobian((w) => mul(w, w), tensor([1, 2])).arraySync();
    expect(D).toEqual([[2, 0], [0, 4]]);
  });
});
