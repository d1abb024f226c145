import { cpuAlloc, cpuData, registerKernel, wasmLayerNorm, wasmLayerNormBackward, type KernelTensor } from '@webgrad/core-tensor';

// The CPU kernels of the fused `layerNorm` op and its backward op (the op and its gradient
// are defined in fused-layer-norm.ts; the WGSL kernels are core-tensor's
// kernels/layer-norm.wgsl.ts). The input is seen as rows of N = weight.size elements:
//
// layerNorm          [x (…, N), weight (N), bias (N)], { eps } → [y (…, N)]
// layerNormBackward  [dy (…, N), x (…, N), weight (N)], { eps } → [dx (…, N), dweight (N), dbias (N)]
//
// Per row, in double precision: μ = Σx/N, σ² = Σ(x − μ)²/N (biased, two passes),
// r = 1/√(σ² + ε), x̂ = (x − μ)·r, y = x̂·γ + β; and with g = dy·γ:
// dx = r·(g − mean(g) − x̂·mean(g·x̂)), dγ = Σ_rows dy·x̂, dβ = Σ_rows dy.

/** Mean and 1/√(σ² + ε) of the row starting at `base`. */
function rowStats(X: ArrayLike<number>, base: number, n: number, eps: number): [number, number] {
  let s = 0;
  for (let j = 0; j < n; j++) s += X[base + j]!;
  const mean = s / n;
  let q = 0;
  for (let j = 0; j < n; j++) {
    const d = X[base + j]! - mean;
    q += d * d;
  }
  return [mean, 1 / Math.sqrt(q / n + eps)];
}

registerKernel('layerNorm', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [x, weight, bias] = inputs as [KernelTensor, KernelTensor, KernelTensor];
  const eps = attrs.eps as number;
  // float32 on core-tensor's WebAssembly SIMD path: the same double-precision steps, the same bits
  const fast = wasmLayerNorm(x, weight, bias, eps);
  if (fast !== null) return fast;
  const X = cpuData(x);
  const W = cpuData(weight);
  const B = cpuData(bias);
  const n = W.length;
  const y = cpuAlloc(x.shape, x.dtype);
  const Y = y.data;
  const rows = n === 0 ? 0 : X.length / n;
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const [mean, rstd] = rowStats(X, base, n, eps);
    for (let j = 0; j < n; j++) Y[base + j] = (X[base + j]! - mean) * rstd * W[j]! + B[j]!;
  }
  return [y.out];
});

registerKernel('layerNormBackward', 'cpu', (inputs, attrs): KernelTensor[] => {
  const [dy, x, weight] = inputs as [KernelTensor, KernelTensor, KernelTensor];
  const eps = attrs.eps as number;
  const fast = wasmLayerNormBackward(dy, x, weight, eps);
  if (fast !== null) return fast;
  const DY = cpuData(dy);
  const X = cpuData(x);
  const W = cpuData(weight);
  const n = W.length;
  const dx = cpuAlloc(x.shape, x.dtype);
  const DX = dx.data;
  const dw = new Float64Array(n);
  const db = new Float64Array(n);
  const rows = n === 0 ? 0 : X.length / n;
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const [mean, rstd] = rowStats(X, base, n, eps);
    let sg = 0;
    let sgx = 0;
    for (let j = 0; j < n; j++) {
      const d = DY[base + j]!;
      const xh = (X[base + j]! - mean) * rstd;
      const g = d * W[j]!;
      sg += g;
      sgx += g * xh;
      dw[j] += d * xh;
      db[j] += d;
    }
    const mg = sg / n;
    const mgx = sgx / n;
    for (let j = 0; j < n; j++) {
      const xh = (X[base + j]! - mean) * rstd;
      DX[base + j] = rstd * (DY[base + j]! * W[j]! - mg - xh * mgx);
    }
  }
  const dW = cpuAlloc(weight.shape, weight.dtype);
  const dB = cpuAlloc(weight.shape, weight.dtype);
  dW.data.set(dw);
  dB.data.set(db);
  return [dx.out, dW.out, dB.out];
});
