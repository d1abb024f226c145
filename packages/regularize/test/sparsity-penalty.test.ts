import { describe, expect, it } from 'vitest';
import { tensor } from '@webgrad/core-tensor';
import { gradcheck } from '@webgrad/autograd';
import { sparsityPenalty } from '@webgrad/regularize';
import { expectClose } from './close-to.js';

const kl = (rho: number, q: number) =>
  rho * Math.log(rho / q) + (1 - rho) * Math.log((1 - rho) / (1 - q));

describe('sparsityPenalty = β Σ_j KL(ρ ‖ ρ̂_j)', () => {
  it('uses the batch mean activation of each hidden unit as ρ̂_j', () => {
    const h = tensor([
      [0.1, 0.5],
      [0.3, 0.7],
    ]); // ρ̂ = [0.2, 0.6]
    expect(sparsityPenalty(h, 0.1, 3).item()).toBeCloseTo(3 * (kl(0.1, 0.2) + kl(0.1, 0.6)), 5);
  });

  it('is zero, with zero gradient, when every unit’s mean activation equals ρ', () => {
    const h = tensor(
      [
        [0.04, 0.05],
        [0.06, 0.05],
      ],
      { requiresGrad: true },
    );
    const penalty = sparsityPenalty(h, 0.05);
    expect(Math.abs(penalty.item())).toBeLessThan(1e-6);
    penalty.backward();
    expect(Math.max(...Array.from(h.grad!.dataSync()).map(Math.abs))).toBeLessThan(1e-4);
  });

  it('has gradient (β/N)(−ρ/ρ̂_j + (1 − ρ)/(1 − ρ̂_j)) for every sample of unit j', () => {
    const h = tensor(
      [
        [0.2, 0.9],
        [0.4, 0.5],
        [0.3, 0.7],
      ],
      { requiresGrad: true, dtype: 'float64' },
    );
    sparsityPenalty(h, 0.1, 2).backward();
    const rhoHat = [0.3, 0.7];
    const perUnit = rhoHat.map((q) => (2 / 3) * (-0.1 / q + 0.9 / (1 - q)));
    expectClose(
      h.grad!.dataSync(),
      [0, 1, 2].flatMap(() => perUnit),
      1e-12,
      'dP/dh',
    );
    const check = gradcheck(
      (x) => sparsityPenalty(x, 0.1, 2),
      [
        tensor(
          [
            [0.2, 0.9],
            [0.4, 0.5],
          ],
          { dtype: 'float64', requiresGrad: true },
        ),
      ],
    );
    expect(check.ok).toBe(true);
  });

  it('names bad arguments', () => {
    expect(() => sparsityPenalty(tensor([0.5]), 0.1)).toThrow(
      'sparsityPenalty: expected activations [N, H], got [1]',
    );
    expect(() => sparsityPenalty(tensor([[0.5]]), 1)).toThrow(
      'sparsityPenalty: rho must be in (0, 1), got 1',
    );
  });
});
