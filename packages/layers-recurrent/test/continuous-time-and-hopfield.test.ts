import { describe, expect, it } from 'vitest';
import { full, manualSeed, narrow, randn, rand, sub, tensor, zeros, type Tensor } from '@webgrad/core-tensor';
import { gradcheck, noGrad } from '@webgrad/autograd';
import { ContinuousTimeRNN, HopfieldNetwork } from '@webgrad/layers-recurrent';
import { expectClose } from './expect-close.js';

const f64 = { dtype: 'float64' as const };

describe('ContinuousTimeRNN: τ ds/dt = −s + f(Js + J̃x + b), forward Euler', () => {
  it('one step is s + (Δt/τ)(−s + tanh(Js + J̃x + b))', () => {
    manualSeed(60);
    const net = new ContinuousTimeRNN(2, 3, { ...f64, dt: 0.2, tau: 2 });
    const s = randn([1, 3], f64);
    const x = randn([1, 2], f64);
    const J = net.recurrentWeight.arraySync() as number[][];
    const Jx = net.inputWeight.arraySync() as number[][];
    const sv = s.dataSync();
    const xv = x.dataSync();
    const expected = [0, 1, 2].map((i) => {
      const pre = J[i]!.reduce((a, w, j) => a + w * sv[j]!, 0) + Jx[i]!.reduce((a, w, j) => a + w * xv[j]!, 0);
      return sv[i]! + 0.1 * (-sv[i]! + Math.tanh(pre));
    });
    expectClose(net.step(s, x), expected, 1e-12);
  });

  it('without drive it relaxes: s_t = s_0·(1 − Δt/τ)^t → s_0·e^{−t·Δt/τ}', () => {
    const net = new ContinuousTimeRNN(1, 4, { ...f64, dt: 0.01, tau: 0.5, gain: 0 });
    const s0 = tensor([[1, -2, 0.5, 3]], f64);
    const { final } = noGrad(() => net.forward(zeros([100, 1, 1], f64), s0));
    expectClose(final, s0.mul(0.98 ** 100), 1e-12);
    // Euler with a small step is close to the exact e^{−t/τ} at t = 1
    expectClose(final, s0.mul(Math.exp(-2)), 0.06);
  });

  it('with g < 1 nearby trajectories converge; with g = 3 (chaos) they separate', () => {
    manualSeed(61);
    const distance = (gain: number): number => {
      const net = new ContinuousTimeRNN(1, 200, { ...f64, gain, dt: 0.1 });
      const s0 = randn([1, 200], f64);
      const x = zeros([800, 1, 1], f64);
      return noGrad(() => sub(net.forward(x, s0).final, net.forward(x, s0.add(1e-6)).final).norm().item());
    };
    const start = Math.sqrt(200) * 1e-6;
    expect(distance(0.5)).toBeLessThan(start * 1e-3);
    expect(distance(3)).toBeGreaterThan(start * 1e3);
  });

  it('is differentiable: gradcheck through 6 steps with respect to J, J̃, b, input and s0', () => {
    manualSeed(62);
    const net = new ContinuousTimeRNN(2, 3, { ...f64, dt: 0.3 });
    const f = (x: Tensor, s0: Tensor, J: Tensor, Jx: Tensor, b: Tensor): Tensor => {
      net.recurrentWeight.assign_(J.detach());
      let s = s0;
      for (let t = 0; t < 6; t++) {
        const pre = s.matmul(J.T).add(narrow(x, 0, t, 1).reshape([1, 2]).matmul(Jx.T)).add(b);
        s = s.add(pre.tanh().sub(s).mul(0.3));
      }
      return s;
    };
    // the module's own forward agrees with the formula it is checked through
    const x = randn([6, 1, 2], f64);
    const s0 = randn([1, 3], f64);
    expectClose(noGrad(() => net.forward(x, s0).final), noGrad(() => f(x, s0, net.recurrentWeight, net.inputWeight, net.bias!)), 1e-12);
    const g = (xx: Tensor, ss: Tensor): Tensor => net.forward(xx, ss).final;
    expect(gradcheck(g, [x, s0]).ok).toBe(true);
  });
});

function randomPatterns(P: number, N: number): Tensor {
  return rand([P, N], f64).lt(0.5).cast('float32').mul(2).sub(1);
}

function corrupt(pattern: Tensor, flips: number): Tensor {
  const v = Float32Array.from(pattern.dataSync());
  for (let i = 0; i < flips; i++) v[(i * 7) % v.length] = -v[(i * 7) % v.length]!;
  return tensor(v);
}

describe('HopfieldNetwork with the Hebbian rule J = (1/N) Σ ξξᵀ', () => {
  it('recalls each of 5 stored patterns of 200 units from a copy with 30 flipped bits, with the energy never increasing', () => {
    manualSeed(63);
    const N = 200;
    const patterns = randomPatterns(5, N);
    const net = new HopfieldNetwork(N).store(patterns);
    for (let mu = 0; mu < 5; mu++) {
      const xi = narrow(patterns, 0, mu, 1).reshape([N]);
      const r = net.recall(corrupt(xi, 30), { seed: mu });
      expect(r.converged).toBe(true);
      expect(Array.from(r.state.dataSync())).toEqual(Array.from(xi.dataSync()));
      for (let k = 1; k < r.energies.length; k++) expect(r.energies[k]!).toBeLessThanOrEqual(r.energies[k - 1]! + 1e-9);
      expect(r.energies.at(-1)!).toBeCloseTo(net.energy(xi), 6);
    }
  });

  it('J is symmetric with a zero diagonal, and stored patterns are fixed points below capacity but not far above it (P/N ≈ 0.14)', () => {
    manualSeed(64);
    const N = 100;
    const few = new HopfieldNetwork(N).store(randomPatterns(5, N));
    const J = few.weight.arraySync() as number[][];
    for (let i = 0; i < N; i++) {
      expect(J[i]![i]).toBe(0);
      for (let j = 0; j < i; j++) expect(J[i]![j]).toBe(J[j]![i]);
    }
    const stableFraction = (P: number): number => {
      const patterns = randomPatterns(P, N);
      const net = new HopfieldNetwork(N).store(patterns);
      const after = net.recall(patterns, { mode: 'synchronous', maxSweeps: 1 }).state;
      return after.eq(patterns).cast('float32').mean().item();
    };
    expect(stableFraction(5)).toBe(1);
    expect(stableFraction(40)).toBeLessThan(0.95);
  });

  it('rejects patterns that are not ±1 by name', () => {
    expect(() => new HopfieldNetwork(3).store(tensor([[1, 0, -1]]))).toThrow(/HopfieldNetwork.store: pattern entries must be \+1 or −1/);
    expect(() => new HopfieldNetwork(3).recall(full([4], 1))).toThrow(/HopfieldNetwork.recall: expected a state \[3\] or \[B, 3\], got \[4\]/);
  });
});
