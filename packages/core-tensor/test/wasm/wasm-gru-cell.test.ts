import { afterAll, describe, expect, it } from 'vitest';
import { configureCpu, cpuData, randn, wasmGruCell, wasmGruCellBackward, type KernelTensor, type Tensor } from '../../src/index.js';
import { expectRecurrentCellMatch } from './expect-recurrent-cell-match.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** The GRU step in double precision, in the order the TypeScript kernel of layers-recurrent computes it. */
function reference(gi: Float32Array, gh: Float32Array, h: Float32Array, bias: Float32Array, dhn: Float32Array, H: number) {
  const n = h.length;
  const hn1 = new Float32Array(n);
  const dgi = new Float32Array(3 * n);
  const dgh = new Float32Array(3 * n);
  const dh = new Float32Array(n);
  for (let row = 0; row < n / H; row++) {
    for (let j = 0; j < H; j++) {
      const k = row * 3 * H + j;
      const s = row * H + j;
      const r = sigmoid(gi[k]! + (gh[k]! + bias[j]!));
      const z = sigmoid(gi[k + H]! + (gh[k + H]! + bias[H + j]!));
      const hn = gh[k + 2 * H]! + bias[2 * H + j]!;
      const nv = Math.tanh(gi[k + 2 * H]! + r * hn);
      hn1[s] = (1 - z) * nv + z * h[s]!;
      const d = dhn[s]!;
      const dan = d * (1 - z) * (1 - nv * nv);
      const daz = d * (h[s]! - nv) * z * (1 - z);
      const dar = dan * hn * r * (1 - r);
      dgi[k] = dar;
      dgi[k + H] = daz;
      dgi[k + 2 * H] = dan;
      dgh[k] = dar;
      dgh[k + H] = daz;
      dgh[k + 2 * H] = dan * r;
      dh[s] = d * z;
    }
  }
  return { hn1, dgi, dgh, dh };
}

const data = (t: KernelTensor): Float32Array => cpuData(t) as Float32Array;

afterAll(() => configureCpu({ path: 'auto' }));

describe('the WebAssembly fused GRU cell', () => {
  it('matches the double-precision formula to the last float32 bit, saturated gates included', async () => {
    await configureCpu({ path: 'wasm-simd', threads: 1 });
    const [rows, H] = [37, 66];
    // gate pre-activations from about −24 to 24: saturated, ordinary and tiny arguments of σ and tanh
    const gi: Tensor = randn([rows, 3 * H]).mul(8);
    const gh: Tensor = randn([rows, 3 * H]);
    const bhh = randn([3 * H]).mul(0.1);
    const h = randn([rows, H]);
    const dhn = randn([rows, H]);
    const ref = reference(data(gi.kernelTensor), data(gh.kernelTensor), data(h.kernelTensor), data(bhh.kernelTensor), data(dhn.kernelTensor), H);
    const [hn1] = wasmGruCell(gi.kernelTensor, gh.kernelTensor, h.kernelTensor, bhh.kernelTensor)!;
    expectRecurrentCellMatch(data(hn1!), ref.hn1);
    const [dgi, dgh, dh] = wasmGruCellBackward(dhn.kernelTensor, gi.kernelTensor, gh.kernelTensor, h.kernelTensor, bhh.kernelTensor)!;
    expectRecurrentCellMatch(data(dgi!), ref.dgi);
    expectRecurrentCellMatch(data(dgh!), ref.dgh);
    expectRecurrentCellMatch(data(dh!), ref.dh);
  });

  it('declines odd H, float64 and the TypeScript path, so the caller’s loop runs', async () => {
    await configureCpu({ path: 'wasm-simd', threads: 1 });
    expect(wasmGruCell(randn([8, 3 * 65]).kernelTensor, randn([8, 3 * 65]).kernelTensor, randn([8, 65]).kernelTensor, randn([3 * 65]).kernelTensor)).toBeNull();
    const f64 = { dtype: 'float64' as const };
    expect(wasmGruCell(randn([8, 192], f64).kernelTensor, randn([8, 192], f64).kernelTensor, randn([8, 64], f64).kernelTensor, randn([192], f64).kernelTensor)).toBeNull();
    await configureCpu({ path: 'typescript' });
    expect(wasmGruCell(randn([8, 192]).kernelTensor, randn([8, 192]).kernelTensor, randn([8, 64]).kernelTensor, randn([192]).kernelTensor)).toBeNull();
  });
});
