import { afterAll, describe, expect, it } from 'vitest';
import { configureCpu, tensor, type Tensor, type TypedArray } from '../../src/index.js';
import { ELEMENTWISE_CASES } from '../conformance/cases/elementwise-cases.js';
import { LINALG_CASES } from '../conformance/cases/linalg-cases.js';
import { REDUCTION_CASES } from '../conformance/cases/reduction-cases.js';
import type { ConformanceCase } from '../conformance/conformance-case.js';

/**
 * The kernel conformance cases of the ops with WebAssembly kernels, run on
 * the CPU's `wasm-simd` path against its `typescript` path (the exact
 * reference): reductions, im2col/col2im and the copy-like ops must give the
 * same bits; the double-precision transcendentals the same float32 or one
 * ulp off (see wasm-transcendental.test.ts).
 */
const EXACT_KERNELS = new Set(['sum', 'max', 'min', 'argmax', 'argmin', 'unfold', 'fold']);
const ONE_ULP_KERNELS = new Set(['log', 'erf', 'gelu', 'exp', 'tanh', 'sigmoid']);

async function runOn(path: 'typescript' | 'wasm-simd', c: ConformanceCase): Promise<TypedArray[]> {
  await configureCpu({ path, threads: 1 });
  const inputs = c.inputs.map((h) => tensor(h.values, { shape: h.shape, dtype: h.dtype }));
  const outs: Tensor[] = [c.run(inputs, 'cpu')].flat();
  const data = outs.map((t) => t.dataSync());
  for (const t of [...inputs, ...outs]) t.dispose();
  return data;
}

function ulpOf(v: number): number {
  const a = Math.abs(v);
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}

afterAll(() => configureCpu({ path: 'auto' }));

describe('the conformance cases of the WebAssembly kernels: wasm-simd path against the TypeScript reference', () => {
  const cases = [...REDUCTION_CASES, ...LINALG_CASES, ...ELEMENTWISE_CASES].filter((c) => EXACT_KERNELS.has(c.kernel) || ONE_ULP_KERNELS.has(c.kernel));
  for (const c of cases) {
    it(`${c.kernel}: ${c.name}`, async () => {
      const want = await runOn('typescript', c);
      const got = await runOn('wasm-simd', c);
      expect(got.length).toBe(want.length);
      for (let k = 0; k < want.length; k++) {
        const [g, w] = [got[k]!, want[k]!];
        expect(g.constructor).toBe(w.constructor);
        expect(g.length).toBe(w.length);
        for (let i = 0; i < w.length; i++) {
          const [a, b] = [Number(g[i]), Number(w[i])];
          if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) continue;
          if (EXACT_KERNELS.has(c.kernel) || !Number.isFinite(b) || Math.abs(a - b) > ulpOf(b)) {
            expect.fail(`output ${k} element ${i}: ${a} on wasm-simd, ${b} in TypeScript`);
          }
        }
      }
    });
  }
});
