import { afterAll, describe, expect, it } from 'vitest';
import { configureCpu, cpuData, randn, tensor, wasmLayerNorm, wasmLayerNormBackward, type KernelTensor } from '../../src/index.js';

/** The layer norm and its gradient in double precision, written as @webgrad/regularize's TypeScript kernels compute them. */
function reference(X: Float32Array, DY: Float32Array, W: Float32Array, B: Float32Array, eps: number) {
  const n = W.length;
  const rows = X.length / n;
  const Y = new Float32Array(X.length);
  const DX = new Float32Array(X.length);
  const dw = new Float64Array(n);
  const db = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += X[base + j]!;
    const mean = s / n;
    let q = 0;
    for (let j = 0; j < n; j++) q += (X[base + j]! - mean) * (X[base + j]! - mean);
    const rstd = 1 / Math.sqrt(q / n + eps);
    let sg = 0;
    let sgx = 0;
    for (let j = 0; j < n; j++) {
      const xh = (X[base + j]! - mean) * rstd;
      Y[base + j] = xh * W[j]! + B[j]!;
      const g = DY[base + j]! * W[j]!;
      sg += g;
      sgx += g * xh;
      dw[j] += DY[base + j]! * xh;
      db[j] += DY[base + j]!;
    }
    for (let j = 0; j < n; j++) {
      const xh = (X[base + j]! - mean) * rstd;
      DX[base + j] = rstd * (DY[base + j]! * W[j]! - sg / n - xh * (sgx / n));
    }
  }
  return { Y, DX, DW: Float32Array.from(dw), DB: Float32Array.from(db) };
}

function expectSameBits(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  let differing = 0;
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) differing++;
  expect(differing).toBe(0);
}

const data = (t: KernelTensor): Float32Array => cpuData(t) as Float32Array;

afterAll(() => configureCpu({ path: 'auto' }));

describe('the WebAssembly fused layer norm', () => {
  it('gives the reference’s bits: odd and even row lengths, offset rows, ±∞ and NaN', async () => {
    await configureCpu({ path: 'wasm-simd', threads: 1 });
    for (const [rows, n] of [[37, 64], [9, 33], [300, 1], [2, 1025]] as const) {
      // rows far from zero mean (a catastrophic-cancellation case for one-pass variance)
      const x = randn([rows, n]).mul(3).add(1000);
      const xs = data(x.kernelTensor);
      if (rows === 9) [xs[5], xs[40], xs[80]] = [Infinity, NaN, -Infinity];
      const xt = tensor(xs).reshape([rows, n]);
      const dy = randn([rows, n]);
      const w = randn([n]);
      const b = randn([n]);
      const ref = reference(xs, data(dy.kernelTensor), data(w.kernelTensor), data(b.kernelTensor), 1e-5);
      const [y] = wasmLayerNorm(xt.kernelTensor, w.kernelTensor, b.kernelTensor, 1e-5)!;
      expectSameBits(data(y!), ref.Y);
      const [dx, dw, db] = wasmLayerNormBackward(dy.kernelTensor, xt.kernelTensor, w.kernelTensor, 1e-5)!;
      expectSameBits(data(dx!), ref.DX);
      expectSameBits(data(dw!), ref.DW);
      expectSameBits(data(db!), ref.DB);
    }
  });

  it('declines float64, tiny inputs and the TypeScript path', async () => {
    await configureCpu({ path: 'wasm-simd', threads: 1 });
    const f64 = { dtype: 'float64' as const };
    expect(wasmLayerNorm(randn([64, 64], f64).kernelTensor, randn([64], f64).kernelTensor, randn([64], f64).kernelTensor, 1e-5)).toBeNull();
    expect(wasmLayerNorm(randn([2, 8]).kernelTensor, randn([8]).kernelTensor, randn([8]).kernelTensor, 1e-5)).toBeNull();
    await configureCpu({ path: 'typescript' });
    expect(wasmLayerNorm(randn([64, 64]).kernelTensor, randn([64]).kernelTensor, randn([64]).kernelTensor, 1e-5)).toBeNull();
  });
});
