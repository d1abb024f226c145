import { afterAll, describe, expect, it } from 'vitest';
import { configureCpu, erf, exp, gelu, log, logSoftmax, randn, sigmoid, softmax, tanh, tensor, type Tensor } from '../../src/index.js';

async function bothPaths(f: () => Tensor): Promise<{ ref: Float32Array; fast: Float32Array }> {
  await configureCpu({ path: 'typescript' });
  const ref = f().dataSync() as Float32Array;
  await configureCpu({ path: 'wasm-simd', threads: 1 });
  const fast = f().dataSync() as Float32Array;
  return { ref, fast };
}

/** The float32 one ulp above |v| minus |v| (the spacing at v). */
function ulp(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/**
 * The documented tolerance of the double-precision WebAssembly transcendentals:
 * the same float32 as the reference (which rounds Math.exp/Math.tanh once),
 * except by one float32 ulp where the exact value lies within a few double ulps
 * of a rounding boundary — so at most a handful of elements in these sizes.
 * NaN, ±∞ and ±0 must match exactly.
 */
function expectWithinOneUlp(r: { ref: Float32Array; fast: Float32Array }): void {
  expect(r.fast.length).toBe(r.ref.length);
  let differing = 0;
  for (let i = 0; i < r.ref.length; i++) {
    const [want, got] = [r.ref[i]!, r.fast[i]!];
    if (Object.is(want, got) || (Number.isNaN(want) && Number.isNaN(got))) continue;
    if (!Number.isFinite(want) || !(Math.abs(got - want) <= ulp(want))) throw new Error(`element ${i}: ${got} vs reference ${want}`);
    differing++;
  }
  expect(differing).toBeLessThanOrEqual(Math.ceil(r.ref.length * 1e-4));
}

/** Values over the whole useful range of each function, salted with ±0, ±∞, NaN, subnormals and huge values. */
function wide(shape: number[], scale: number): Tensor {
  const x = randn(shape).mul(scale).dataSync() as Float32Array;
  const salt = [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 3e38, -3e38, 88.7, -103.9, 1e-5, -1e-5, 0.0625, -0.0625];
  for (let i = 0; i < x.length; i += 5) x[i] = salt[(i / 5) % salt.length]!;
  return tensor(x).reshape(shape);
}

afterAll(() => configureCpu({ path: 'auto' }));

describe('WebAssembly double-precision transcendentals against the TypeScript kernels', () => {
  const geluErf = (x: Tensor): Tensor => gelu(x);
  const geluTanh = (x: Tensor): Tensor => gelu(x, 'tanh');
  for (const [name, op] of Object.entries({ exp, tanh, sigmoid, log, erf, geluErf, geluTanh })) {
    it(`${name} over [−∞, ∞], odd lengths, within one float32 ulp and almost always the same bits`, async () => {
      for (const scale of [0.05, 3, 40]) {
        const x = wide([63, 131], scale);
        expectWithinOneUlp(await bothPaths(() => op(x)));
      }
      const odd = wide([257], 2);
      expectWithinOneUlp(await bothPaths(() => op(odd)));
    });
  }

  it('log over positive values of every binade, near 1, subnormal and the largest floats', async () => {
    const v = new Float32Array(4099);
    for (let i = 0; i < v.length; i++) {
      const k = i % 4;
      v[i] = k === 0 ? 2 ** (((i >> 2) % 277) - 149) * (1 + ((i * 7919) % 1000) / 1000) : k === 1 ? 1 + (i - 2050) * 2 ** -22 : k === 2 ? Math.fround(Math.abs(Math.sin(i)) * 1e3) : 3.4e38 - i * 1e31;
    }
    expectWithinOneUlp(await bothPaths(() => log(tensor(v))));
  });

  for (const [name, op] of Object.entries({ softmax, logSoftmax })) {
    it(`${name} over the last axis: odd row lengths, saturating rows, and rows of ±∞ and NaN`, async () => {
      for (const [rows, n, scale] of [[64, 10, 1], [17, 33, 30], [3, 1001, 5], [300, 1, 1]] as const) {
        const x = randn([rows, n]).mul(scale);
        expectWithinOneUlp(await bothPaths(() => op(x, -1)));
      }
      // a row of −∞ (softmax NaN, as PyTorch), a row with one +∞, a row with a NaN, a row with −∞ entries
      const inf = Infinity;
      const special = tensor([
        [-inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf],
        [1, 2, inf, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [1, NaN, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [-inf, 1, -inf, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -inf],
        [-200, 0, 100, -100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50],
        [-1e30, 1e30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [-0, 0, -0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -inf],
      ]);
      const r = await bothPaths(() => op(special, -1));
      expectWithinOneUlp(r);
      expect(Number.isNaN(r.fast[0]!)).toBe(true);
    });
  }

  it('softmax over an axis that is not the last stays on the exact TypeScript kernel', async () => {
    const x = randn([40, 30, 7]).mul(4);
    const r = await bothPaths(() => softmax(x, 1));
    for (let i = 0; i < r.ref.length; i++) expect(Object.is(r.fast[i], r.ref[i])).toBe(true);
  });
});
