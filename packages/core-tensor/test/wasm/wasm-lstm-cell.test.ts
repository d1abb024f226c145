import { afterAll, describe, expect, it } from 'vitest';
import { configureCpu, cpuData, randn, wasmLstmCell, wasmLstmCellBackward, type KernelTensor, type Tensor } from '../../src/index.js';
import { expectRecurrentCellMatch } from './expect-recurrent-cell-match.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** The LSTM step in double precision, in the order the TypeScript kernel of layers-recurrent computes it. */
function reference(gi: Float32Array, gh: Float32Array, c: Float32Array, dh: Float32Array, dcn: Float32Array, H: number) {
  const n = c.length;
  const h = new Float32Array(n);
  const cn = new Float32Array(n);
  const da = new Float32Array(4 * n);
  const dc = new Float32Array(n);
  for (let r = 0; r < n / H; r++) {
    for (let j = 0; j < H; j++) {
      const k = r * 4 * H + j;
      const s = r * H + j;
      const i = sigmoid(gi[k]! + gh[k]!);
      const f = sigmoid(gi[k + H]! + gh[k + H]!);
      const g = Math.tanh(gi[k + 2 * H]! + gh[k + 2 * H]!);
      const o = sigmoid(gi[k + 3 * H]! + gh[k + 3 * H]!);
      const cv = f * c[s]! + i * g;
      cn[s] = cv;
      h[s] = o * Math.tanh(cv);
      const tc = Math.tanh(cv);
      const dct = dcn[s]! + dh[s]! * o * (1 - tc * tc);
      da[k] = dct * g * i * (1 - i);
      da[k + H] = dct * c[s]! * f * (1 - f);
      da[k + 2 * H] = dct * i * (1 - g * g);
      da[k + 3 * H] = dh[s]! * tc * o * (1 - o);
      dc[s] = dct * f;
    }
  }
  return { h, cn, da, dc };
}

const data = (t: KernelTensor): Float32Array => cpuData(t) as Float32Array;

afterAll(() => configureCpu({ path: 'auto' }));

describe('the WebAssembly fused LSTM cell', () => {
  it('matches the double-precision formula to the last float32 bit, saturated gates included', async () => {
    await configureCpu({ path: 'wasm-simd', threads: 1 });
    const [rows, H] = [37, 66];
    // gate pre-activations from −24 to 24: saturated, ordinary and tiny arguments of σ and tanh
    const gi: Tensor = randn([rows, 4 * H]).mul(8);
    const gh: Tensor = randn([rows, 4 * H]).mul(1e-3);
    const c = randn([rows, H]);
    const dh = randn([rows, H]);
    const dcn = randn([rows, H]);
    const ref = reference(data(gi.kernelTensor), data(gh.kernelTensor), data(c.kernelTensor), data(dh.kernelTensor), data(dcn.kernelTensor), H);
    const [h, cn] = wasmLstmCell(gi.kernelTensor, gh.kernelTensor, c.kernelTensor)!;
    expectRecurrentCellMatch(data(h!), ref.h);
    expectRecurrentCellMatch(data(cn!), ref.cn);
    const [da, dc] = wasmLstmCellBackward(dh.kernelTensor, dcn.kernelTensor, gi.kernelTensor, gh.kernelTensor, c.kernelTensor)!;
    expectRecurrentCellMatch(data(da!), ref.da);
    expectRecurrentCellMatch(data(dc!), ref.dc);
  });

  it('declines odd H, float64 and the TypeScript path, so the caller’s loop runs', async () => {
    await configureCpu({ path: 'wasm-simd', threads: 1 });
    expect(wasmLstmCell(randn([8, 4 * 65]).kernelTensor, randn([8, 4 * 65]).kernelTensor, randn([8, 65]).kernelTensor)).toBeNull();
    const f64 = { dtype: 'float64' as const };
    expect(wasmLstmCell(randn([8, 256], f64).kernelTensor, randn([8, 256], f64).kernelTensor, randn([8, 64], f64).kernelTensor)).toBeNull();
    await configureCpu({ path: 'typescript' });
    expect(wasmLstmCell(randn([8, 256]).kernelTensor, randn([8, 256]).kernelTensor, randn([8, 64]).kernelTensor)).toBeNull();
  });
});
