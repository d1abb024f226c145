import { afterAll, describe, expect, it } from 'vitest';
import { configureCpu, cpuData, randn, tensor, wasmAdamUpdate, wasmSgdUpdate, type KernelTensor, type WasmAdamScalars } from '../../src/index.js';

const R = Math.fround;
const data = (t: KernelTensor): Float32Array => cpuData(t) as Float32Array;

/** Random floats salted with ±0, ±∞ and NaN (odd length: the kernels' one-lane tail runs too). */
function salted(n: number, scale: number, positive = false): Float32Array {
  const x = randn([n]).mul(scale).abs().dataSync() as Float32Array;
  if (!positive) for (let i = 0; i < n; i += 2) x[i] = -x[i]!;
  const salt = positive ? [0, Infinity, NaN] : [0, -0, Infinity, -Infinity, NaN];
  for (let i = 0; i < n; i += 23) x[i] = salt[(i / 23) % salt.length]!;
  return x;
}

function expectSameBits(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  let differing = 0;
  for (let i = 0; i < want.length; i++) if (!(Object.is(got[i], want[i]) || (Number.isNaN(got[i]!) && Number.isNaN(want[i]!)))) differing++;
  expect(differing).toBe(0);
}

afterAll(() => configureCpu({ path: 'auto' }));

describe('the WebAssembly fused optimizer updates', () => {
  it('Adam/AdamW/AMSGrad: every float32 operation of @webgrad/optim’s kernel, the same bits', async () => {
    await configureCpu({ path: 'wasm-simd', threads: 1 });
    const n = 1001;
    const [P, G, M, V, VM] = [salted(n, 1), salted(n, 1), salted(n, 0.1), salted(n, 0.01, true), salted(n, 0.01, true)];
    const variants: [string, WasmAdamScalars][] = [
      ['Adam + L2', { maximize: false, decoupled: false, b1: R(0.9), b2: R(0.999), omb1: R(0.1), omb2: R(0.001), l2: R(0.1), shrink: R(1), eps: R(1e-8), bc2Sqrt: R(Math.sqrt(1 - 0.999 ** 3)), stepSize: R(1e-2 / (1 - 0.9 ** 3)) }],
      ['AdamW + maximize', { maximize: true, decoupled: true, b1: R(0.9), b2: R(0.99), omb1: R(0.1), omb2: R(0.01), l2: 0, shrink: R(1 - 1e-3 * 0.05), eps: R(1e-6), bc2Sqrt: R(0.1), stepSize: R(1e-3) }],
    ];
    for (const [name, s] of variants) {
      for (const amsgrad of [false, true]) {
        const ins = [P, G, M, V, ...(amsgrad ? [VM] : [])].map((a) => tensor(a).kernelTensor);
        const outs = wasmAdamUpdate(ins, s)!.map(data);
        const want = [new Float32Array(n), new Float32Array(n), new Float32Array(n), new Float32Array(n)];
        for (let i = 0; i < n; i++) {
          // the reference loop of optim/src/adam-update-kernel.ts
          const p = P[i]!;
          let g = s.maximize ? -G[i]! : G[i]!;
          if (s.l2 !== 0) g = R(g + R(p * s.l2));
          const w = s.decoupled ? R(p * s.shrink) : p;
          const m = R(R(M[i]! * s.b1) + R(g * s.omb1));
          const v = R(R(V[i]! * s.b2) + R(R(g * g) * s.omb2));
          let second = v;
          if (amsgrad) {
            second = VM[i] !== VM[i] || v !== v ? NaN : Math.max(VM[i]!, v);
            want[3]![i] = second;
          }
          const denom = R(R(R(Math.sqrt(second)) / s.bc2Sqrt) + s.eps);
          want[0]![i] = R(w - R(R(m / denom) * s.stepSize));
          want[1]![i] = m;
          want[2]![i] = v;
        }
        expect(outs.length, name).toBe(amsgrad ? 4 : 3);
        outs.forEach((o, k) => expectSameBits(o, want[k]!));
      }
    }
  });

  it('SGD with and without momentum, Nesterov, first step without a buffer: the same bits', async () => {
    await configureCpu({ path: 'wasm-simd', threads: 1 });
    const n = 777;
    const [P, G, B] = [salted(n, 1), salted(n, 1), salted(n, 0.5)];
    for (const s of [
      { maximize: false, nesterov: false, lr: R(0.05), momentum: 0, damp: R(1), wd: 0 },
      { maximize: true, nesterov: false, lr: R(0.05), momentum: R(0.9), damp: R(0.7), wd: R(0.1) },
      { maximize: false, nesterov: true, lr: R(0.01), momentum: R(0.8), damp: R(1), wd: R(0.01) },
    ]) {
      for (const withBuffer of s.momentum === 0 ? [false] : [false, true]) {
        const ins = [P, G, ...(withBuffer ? [B] : [])].map((a) => tensor(a).kernelTensor);
        const outs = wasmSgdUpdate(ins, s)!.map(data);
        const wantP = new Float32Array(n);
        const wantB = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          // the reference loop of optim/src/sgd-update-kernel.ts
          const p = P[i]!;
          let d = s.maximize ? -G[i]! : G[i]!;
          if (s.wd !== 0) d = R(d + R(p * s.wd));
          if (s.momentum !== 0) {
            const buf = withBuffer ? R(R(B[i]! * s.momentum) + R(d * s.damp)) : d;
            wantB[i] = buf;
            d = s.nesterov ? R(d + R(buf * s.momentum)) : buf;
          }
          wantP[i] = R(p - R(d * s.lr));
        }
        expectSameBits(outs[0]!, wantP);
        if (s.momentum !== 0) expectSameBits(outs[1]!, wantB);
        else expect(outs.length).toBe(1);
      }
    }
  });

  it('declines float64, small parameters and the TypeScript path', async () => {
    await configureCpu({ path: 'wasm-simd', threads: 1 });
    const s = { maximize: false, nesterov: false, lr: 0.1, momentum: 0, damp: 1, wd: 0 };
    expect(wasmSgdUpdate([randn([300], { dtype: 'float64' }).kernelTensor, randn([300], { dtype: 'float64' }).kernelTensor], s)).toBeNull();
    expect(wasmSgdUpdate([randn([100]).kernelTensor, randn([100]).kernelTensor], s)).toBeNull();
    await configureCpu({ path: 'typescript' });
    expect(wasmSgdUpdate([randn([300]).kernelTensor, randn([300]).kernelTensor], s)).toBeNull();
  });
});
