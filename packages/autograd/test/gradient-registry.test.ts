import { describe, expect, it } from 'vitest';
import { listKernels, NON_DIFFERENTIABLE_OPS, UNARY_OPS, BINARY_OPS, tensor } from '@webgrad/core-tensor';
import { listGradients, getGradient, registerGradient, backward } from '@webgrad/autograd';

describe('every differentiable CPU kernel has a registered gradient', () => {
  it('listKernels("cpu") minus NON_DIFFERENTIABLE_OPS ⊆ listGradients()', () => {
    const kernels = listKernels('cpu');
    expect(kernels.length).toBeGreaterThan(40);
    const have = new Set(listGradients());
    const missing = kernels.filter((op) => !NON_DIFFERENTIABLE_OPS.has(op) && !have.has(op));
    expect(missing, `kernels without a gradient: ${missing.join(', ')}`).toEqual([]);
  });

  it('the views (reshape, identity) that bypass kernels have gradients too', () => {
    expect(getGradient('reshape')).toBeDefined();
    expect(getGradient('identity')).toBeDefined();
  });

  it('the non-differentiable set is exactly the bool/int-valued and input-less ops', () => {
    for (const d of [...UNARY_OPS, ...BINARY_OPS]) expect(NON_DIFFERENTIABLE_OPS.has(d.name), d.name).toBe(!d.differentiable);
    for (const op of ['argmax', 'argmin', 'fill', 'randomUniform', 'randomNormal']) expect(NON_DIFFERENTIABLE_OPS.has(op)).toBe(true);
  });

  it('an op whose gradient is missing fails at backward naming the op', () => {
    const saved = getGradient('sin')!;
    registerGradient({ op: 'sin', backward: () => { throw new Error('unreachable'); } });
    try {
      // a replaced gradient is used: registration is by op name
      const x = tensor([1], { requiresGrad: true });
      expect(() => backward(x.sin().sum())).toThrow('unreachable');
    } finally {
      registerGradient(saved);
    }
  });
});
