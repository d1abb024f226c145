import { afterAll, describe, expect, it } from 'vitest';
import { configureCpu, conv2d, convTranspose2d, fold, maxPool2d, randn, unfold, type Tensor } from '../../src/index.js';
import { wasmFold, wasmUnfold } from '../../src/wasm/wasm-im2col.js';

async function onPath(path: 'typescript' | 'wasm-simd', f: () => Tensor, threads = 1): Promise<Uint32Array> {
  const status = await configureCpu({ path, threads });
  if (path === 'wasm-simd') expect(status.readyHelpers).toBe(threads - 1);
  return new Uint32Array((f().dataSync() as Float32Array).slice().buffer);
}

function expectSameBits(got: Uint32Array, want: Uint32Array): void {
  expect(got.length).toBe(want.length);
  let differing = 0;
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) differing++;
  expect(differing).toBe(0);
}

afterAll(() => configureCpu({ path: 'auto' }));

/** [name, input shape, kernel, options]: odd sizes, padding, stride, dilation, windows that leave pixels out. */
const GEOMETRIES: [string, number[], [number, number], { padding?: [number, number]; stride?: [number, number]; dilation?: [number, number] }][] = [
  ['3×3, padding 1', [2, 3, 17, 13], [3, 3], { padding: [1, 1] }],
  ['2×3, stride 2, dilation 2', [1, 5, 23, 19], [2, 3], { stride: [2, 2], dilation: [2, 2] }],
  ['1×1', [3, 4, 9, 11], [1, 1], {}],
  ['5×2, padding 2×0, stride 3×1', [2, 2, 31, 15], [5, 2], { padding: [2, 0], stride: [3, 1] }],
  ['7×7, padding 3, stride 2 (a stem)', [1, 3, 33, 29], [7, 7], { padding: [3, 3], stride: [2, 2] }],
  ['padding wider than the kernel reach', [1, 2, 6, 7], [2, 2], { padding: [4, 5], stride: [3, 2] }],
];

describe('WebAssembly im2col (unfold) and col2im (fold) equal the TypeScript kernels bit for bit', () => {
  for (const [name, shape, k, opts] of GEOMETRIES) {
    it(`unfold and fold: ${name}`, async () => {
      const x = randn(shape);
      await configureCpu({ path: 'wasm-simd', threads: 1 });
      const cols = unfold(x, k, opts);
      const [N, C, H, W] = shape as [number, number, number, number];
      const oh = Math.floor((H + 2 * (opts.padding?.[0] ?? 0) - (opts.dilation?.[0] ?? 1) * (k[0] - 1) - 1) / (opts.stride?.[0] ?? 1)) + 1;
      const ow = Math.floor((W + 2 * (opts.padding?.[1] ?? 0) - (opts.dilation?.[1] ?? 1) * (k[1] - 1) - 1) / (opts.stride?.[1] ?? 1)) + 1;
      const g = [N, C, H, W, k[0], k[1], opts.dilation?.[0] ?? 1, opts.dilation?.[1] ?? 1, opts.padding?.[0] ?? 0, opts.padding?.[1] ?? 0, opts.stride?.[0] ?? 1, opts.stride?.[1] ?? 1, oh, ow] as const;
      // the WebAssembly kernels themselves run here, not the TypeScript fallback
      expect(wasmUnfold(x.kernelTensor, [...g], 0)).not.toBeNull();
      expect(wasmFold(cols.kernelTensor, [...g])).not.toBeNull();
      expectSameBits(await onPath('wasm-simd', () => unfold(x, k, opts)), await onPath('typescript', () => unfold(x, k, opts)));
      expectSameBits(await onPath('wasm-simd', () => fold(cols, [H, W], k, opts)), await onPath('typescript', () => fold(cols, [H, W], k, opts)));
    });
  }

  it('pads with −∞ for max pooling, and reads non-contiguous inputs', async () => {
    const x = randn([2, 3, 19, 21]);
    const pool = (): Tensor => maxPool2d(x, 3, { stride: 2, padding: 1 });
    expectSameBits(await onPath('wasm-simd', pool), await onPath('typescript', pool));
    const t = randn([2, 3, 21, 19]).transpose(2, 3);
    expectSameBits(await onPath('wasm-simd', () => unfold(t, [3, 2], { padding: [1, 0] })), await onPath('typescript', () => unfold(t, [3, 2], { padding: [1, 0] })));
  });
});

describe('conv2d on the CPU runs in WebAssembly: im2col, then the SIMD matrix product', () => {
  it('agrees with the TypeScript reference within the f32 summation bound (odd sizes, stride, groups, bias)', async () => {
    for (const [shape, w, opts] of [
      [[2, 3, 17, 13], [8, 3, 3, 3], { padding: 1 }],
      [[1, 4, 23, 19], [6, 2, 5, 3], { stride: 2, groups: 2 }],
      [[3, 5, 9, 11], [7, 5, 1, 1], {}],
    ] as const) {
      const x = randn([...shape]);
      const wt = randn([...w]);
      const b = randn([w[0]]);
      const run = (): Tensor => conv2d(x, wt, b, opts);
      const got = new Float32Array((await onPath('wasm-simd', run)).buffer);
      const want = new Float32Array((await onPath('typescript', run)).buffer);
      // |Σ_k in f32 − Σ_k in f64| ≤ K·u·Σ_k |w·x|, K = C/groups·kh·kw
      const absSum = new Float32Array((await onPath('typescript', () => conv2d(x.abs(), wt.abs(), b.abs(), opts))).buffer);
      const K = w[1] * w[2] * w[3] + 1;
      for (let i = 0; i < want.length; i++) {
        const bound = (K + 1) * 2 ** -24 * absSum[i]! + 1e-30;
        if (!(Math.abs(got[i]! - want[i]!) <= bound)) throw new Error(`element ${i}: ${got[i]} vs ${want[i]} (bound ${bound})`);
      }
    }
  });

  it('gives bit-identical results on one, two and three threads above the threading threshold', async () => {
    // per sample a [32, 16·3·3] · [16·3·3, 34·34] product: 5.3·10⁶ multiply-adds, threaded
    const x = randn([2, 16, 34, 34]);
    const w = randn([32, 16, 3, 3]);
    const forward = (): Tensor => conv2d(x, w, null, { padding: 1 });
    // and a transposed convolution: the product, then col2im
    const y = randn([2, 32, 17, 17]);
    const transposed = (): Tensor => convTranspose2d(y, w, null, { stride: 2 });
    const one = [await onPath('wasm-simd', forward, 1), await onPath('wasm-simd', transposed, 1)];
    for (const threads of [2, 3]) {
      const many = [await onPath('wasm-simd', forward, threads), await onPath('wasm-simd', transposed, threads)];
      expectSameBits(many[0]!, one[0]!);
      expectSameBits(many[1]!, one[1]!);
    }
  });
});
