import { expect } from 'vitest';

/**
 * The fused recurrent cells' tolerance: equal up to the last bit of float32,
 * the kernels' e^x and tanh differing from Math.exp/Math.tanh only in the
 * last bits of a double. Where a gate saturates, 1 − σ is a few double ulps
 * of 1, so those bits are magnified: such elements may differ by a
 * double-precision ulp of the output's scale (≈ 10⁻¹⁶ of its largest value),
 * which is all the allowance beyond 1 ulp.
 */
export function expectRecurrentCellMatch(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  let exact = 0;
  for (let i = 0; i < want.length; i++) {
    const tol = Math.abs(want[i]!) * 2 ** -23 + scale * 2 ** -50;
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) throw new Error(`element ${i}: ${got[i]} vs ${want[i]}`);
    if (Object.is(got[i], want[i])) exact++;
  }
  // differing at all takes a saturated gate (gates here reach ±24) or a rounding tie
  expect(exact).toBeGreaterThanOrEqual(want.length * 0.95);
}
