import { describe, expect, it } from 'vitest';
import { tensor, tidy, type Tensor } from '@webgrad/core-tensor';
import { Parameter } from '@webgrad/nn';
import { LBFGS, type LBFGSOptions } from '@webgrad/optim';
import { trajectories } from './trajectory-fixture';
import { cubicInterpolate } from '../src/strong-wolfe';

/** Rosenbrock's function (1 − x)² + 100(y − x²)², minimum at (1, 1). */
const rosenbrock = (w: Tensor) => {
  const x = w.select(0, 0);
  const y = w.select(0, 1);
  return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100));
};

function closureFor(opt: LBFGS, w: Parameter): () => Tensor {
  return () => {
    opt.zeroGrad();
    const l = rosenbrock(w);
    l.backward();
    return l;
  };
}

describe('LBFGS', () => {
  it("minimises Rosenbrock's function with the strong-Wolfe line search exactly as PyTorch does", () => {
    const ref = trajectories.rosenbrock;
    const w = new Parameter(tensor(ref.start, { dtype: 'float64' }));
    const opt = new LBFGS([w], ref.options as LBFGSOptions);
    const first = tidy(() => (opt.step(closureFor(opt, w)) as Tensor).item());
    expect(first).toBe(ref.loss); // the loss before the step: (1 + 1.5)² + 100(2 − 2.25)² = 12.5
    Array.from(w.dataSync()).forEach((v, i) => {
      expect(Math.abs(v - ref.w[i])).toBeLessThan(1e-10);
      expect(v).toBeCloseTo(1, 5);
    });
    const s = opt.state.get(w)!;
    expect([s.funcEvals, s.nIter]).toEqual([ref.funcEvals, ref.nIter]);
  });

  it('stepAsync (for backends without synchronous reads) takes exactly the same steps', async () => {
    const a = new Parameter(tensor([-1.5, 2], { dtype: 'float64' }));
    const b = new Parameter(tensor([-1.5, 2], { dtype: 'float64' }));
    const optA = new LBFGS([a], { lineSearchFn: 'strongWolfe', maxIter: 7 });
    const optB = new LBFGS([b], { lineSearchFn: 'strongWolfe', maxIter: 7 });
    for (let k = 0; k < 3; k++) {
      tidy(() => optA.step(closureFor(optA, a)));
      await optB.stepAsync(async () => closureFor(optB, b)());
    }
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(optB.state.get(b)!.funcEvals).toBe(optA.state.get(a)!.funcEvals);
  });

  it('needs a closure, and the closure must return a one-element loss', () => {
    const w = new Parameter(tensor([1, 2]));
    const opt = new LBFGS([w]);
    expect(() => opt.step()).toThrow('LBFGS: step needs a closure that re-evaluates the model and returns the loss');
    expect(() => opt.step(() => w.mul(2))).toThrow('LBFGS: the closure must return a one-element loss, got shape [2]');
  });

  it("interpolates the cubic's minimiser as PyTorch's _cubic_interpolate does", () => {
    // f(x) = x³ − 3x on [0, 2]: minimum at x = 1
    expect(cubicInterpolate(0, 0, -3, 2, 2, 9)).toBeCloseTo(1, 14);
    // clamped to the bounds
    expect(cubicInterpolate(0, 0, -3, 2, 2, 9, [1.5, 3])).toBe(1.5);
    // no real minimiser (d₂² < 0): the midpoint of the bounds
    expect(cubicInterpolate(0, 0, 2, 1, 1, 2)).toBe(0.5);
  });
});
