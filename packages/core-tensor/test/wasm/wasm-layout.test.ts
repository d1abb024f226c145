import { afterAll, describe, expect, it } from 'vitest';
import { configureCpu, permute, randn, sum, transpose, type Tensor } from '../../src/index.js';

async function sameBits(f: () => Tensor): Promise<void> {
  await configureCpu({ path: 'typescript' });
  const ref = f().dataSync() as Float32Array;
  await configureCpu({ path: 'wasm-simd', threads: 1 });
  const fast = f().dataSync() as Float32Array;
  expect(fast.length).toBe(ref.length);
  const a = new Uint32Array(ref.buffer);
  const b = new Uint32Array(fast.buffer);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) throw new Error(`element ${i}: ${fast[i]} vs reference ${ref[i]}`);
}

afterAll(() => configureCpu({ path: 'auto' }));

describe('WebAssembly transpose and sum equal the TypeScript kernels bit for bit', () => {
  for (const shape of [[16, 16], [33, 70], [5, 123], [129, 3], [3, 37, 41], [2, 2, 64, 36]]) {
    it(`transposes the last two axes of [${shape.join(', ')}]`, async () => {
      const x = randn(shape);
      await sameBits(() => transpose(x));
    });
  }

  it('leaves other permutations to the TypeScript kernel, with the same result', async () => {
    const x = randn([7, 9, 11]);
    await sameBits(() => permute(x, [2, 0, 1]));
  });

  // f64 accumulation in row order, rounded once: the reference's arithmetic exactly
  const cases: [number[], number[]][] = [[[2048, 65], [0]], [[128, 256], [0]], [[3, 50, 7], [1]], [[4, 5, 6, 9], [1, 2]], [[9, 300], [0]], [[6, 300], [1]], [[5, 6, 7], [0, 2]]];
  for (const [shape, axes] of cases) {
    it(`sums [${shape.join(', ')}] over axes [${axes.join(', ')}], keepdims or not`, async () => {
      const x = randn(shape).mul(1000);
      await sameBits(() => sum(x, axes));
      await sameBits(() => sum(x, axes, true));
    });
  }
});
