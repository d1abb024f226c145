import { describe, expect, it } from 'vitest';
import { eigenvalues, spectralNorm, spectralRadius } from '@webgrad/layers-recurrent';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
}
const randomMatrix = (n: number, seed: number): number[][] => {
  const r = lcg(seed);
  return Array.from({ length: n }, () => Array.from({ length: n }, r));
};
const matmul = (a: number[][], b: number[][]): number[][] => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const trace = (a: number[][]): number => a.reduce((s, row, i) => s + row[i]!, 0);

describe('eigenvalues (Hessenberg reduction + double-shift QR)', () => {
  it('a rotation by θ scaled by ρ has eigenvalues ρe^{±iθ}', () => {
    const rho = 0.9;
    const th = 0.7;
    const ev = eigenvalues([
      [rho * Math.cos(th), -rho * Math.sin(th)],
      [rho * Math.sin(th), rho * Math.cos(th)],
    ]);
    const sorted = ev.sort((a, b) => a.im - b.im);
    expect(sorted[0]!.re).toBeCloseTo(rho * Math.cos(th), 12);
    expect(sorted[0]!.im).toBeCloseTo(-rho * Math.sin(th), 12);
    expect(sorted[1]!.im).toBeCloseTo(rho * Math.sin(th), 12);
    expect(spectralRadius([[rho * Math.cos(th), -rho * Math.sin(th)], [rho * Math.sin(th), rho * Math.cos(th)]])).toBeCloseTo(rho, 12);
  });

  it('a triangular matrix has its diagonal as eigenvalues', () => {
    const ev = eigenvalues([
      [2, 5, -1, 3],
      [0, -3, 4, 1],
      [0, 0, 0.5, 7],
      [0, 0, 0, 1.25],
    ]);
    expect(ev.map((e) => e.re).sort((a, b) => a - b)).toEqual([-3, 0.5, 1.25, 2]);
    expect(ev.every((e) => e.im === 0)).toBe(true);
  });

  it('Σλᵏ = tr(Aᵏ) for k = 1..5 on random 16×16 and 40×40 matrices (Newton: the power sums fix the spectrum)', () => {
    for (const [n, seed] of [[16, 1], [40, 2]] as const) {
      const a = randomMatrix(n, seed);
      const ev = eigenvalues(a);
      expect(ev.length).toBe(n);
      let ak = a;
      for (let k = 1; k <= 5; k++) {
        let re = 0;
        let im = 0;
        for (const { re: x, im: y } of ev) {
          // (x + iy)^k by repeated multiplication
          let pr = 1;
          let pi = 0;
          for (let j = 0; j < k; j++) [pr, pi] = [pr * x - pi * y, pr * y + pi * x];
          re += pr;
          im += pi;
        }
        expect(re).toBeCloseTo(trace(ak), 8);
        expect(Math.abs(im)).toBeLessThan(1e-8);
        ak = matmul(ak, a);
      }
    }
  });

  it('‖A‖₂ is the largest singular value: the shear [[1, 1], [0, 1]] stretches by the golden ratio', () => {
    expect(spectralNorm([[1, 1], [0, 1]])).toBeCloseTo((1 + Math.sqrt(5)) / 2, 12);
    // while both its eigenvalues are 1
    expect(spectralRadius([[1, 1], [0, 1]])).toBeCloseTo(1, 12);
  });

  it('for a symmetric matrix, ‖A‖₂ = ρ(A); in general ρ(A) ≤ ‖A‖₂', () => {
    const a = randomMatrix(10, 3);
    const sym = a.map((row, i) => row.map((v, j) => v + a[j]![i]!));
    expect(spectralNorm(sym)).toBeCloseTo(spectralRadius(sym), 9);
    expect(spectralRadius(a)).toBeLessThanOrEqual(spectralNorm(a) + 1e-12);
  });

  it('accepts row-major data and rejects non-square input by name', () => {
    expect(spectralRadius({ n: 2, data: new Float64Array([0, 2, 2, 0]) })).toBeCloseTo(2, 12);
    expect(() => eigenvalues([[1, 2]])).toThrow(/eigenvalues: expected a square matrix, got 1 rows of lengths 2/);
    expect(() => eigenvalues({ n: 3, data: [1, 2] })).toThrow(/eigenvalues: a 3×3 matrix needs 9 entries, got 2/);
  });
});
