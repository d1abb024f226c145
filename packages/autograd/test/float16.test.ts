import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it, describe } from 'vitest';
import {
  add, div, float16BitsToFloat32, float32ToFloat16Bits, logSoftmax, matmul, mean, mul, pow, relu, sum, tensor, type Tensor,
} from '@webgrad/core-tensor';
import { grad } from '@webgrad/autograd';
import { acquireWebgpu, describeOnWebgpu } from '../../core-tensor/test/conformance/webgpu-under-test.js';

// Gradients of float16 tensors are float16 and follow PyTorch 1.13's CPU half
// autograd (fixtures/gen_float16_grads.py); on WebGPU they match the CPU's
// float16 reference to one half rounding per op.

interface Half { shape: number[]; bits: number[] }
const here = dirname(fileURLToPath(import.meta.url));
const cases = (JSON.parse(readFileSync(join(here, 'fixtures', 'float16-grads.json'), 'utf8')) as { cases: Record<string, Record<string, Half>> }).cases;

const gpu = await acquireWebgpu({ float16: true });

function half(h: Half, backend = 'cpu'): Tensor {
  return tensor(Float32Array.from(h.bits, float16BitsToFloat32), { shape: h.shape, dtype: 'float16', backend });
}

/** Equal half bit patterns, or within `ulps` adjacent patterns of the same sign. */
function expectHalf(t: Tensor, want: Half, label: string, ulps = 0): void {
  expect(t.dtype, label).toBe('float16');
  expect(t.shape, label).toEqual(want.shape);
  Array.from(t.dataSync(), float32ToFloat16Bits).forEach((g, i) => {
    const w = want.bits[i]!;
    if (g !== w && !((g & 0x8000) === (w & 0x8000) && Math.abs(g - w) <= ulps)) {
      expect.fail(`${label}[${i}] = ${float16BitsToFloat32(g)}, torch gives ${float16BitsToFloat32(w)}`);
    }
  });
}

describe('autograd through float16 on the cpu matches PyTorch 1.13', () => {
  it('d/dx, d/dw of Σ(x·w + x²)', () => {
    const c = cases.mul_square_sum!;
    const [dx, dw] = grad((x: Tensor, w: Tensor) => sum(add(mul(x, w), mul(x, x))))(half(c.x!), half(c.w!));
    expectHalf(dx!, c.dx!, 'dx');
    expectHalf(dw!, c.dw!, 'dw');
  });

  it('through mean over rows', () => {
    const c = cases.mean_rows!;
    const [dx] = grad((x: Tensor) => sum(mul(mean(x, 1, true), half(c.c!))))(half(c.x!));
    expectHalf(dx!, c.dx!, 'dx');
  });

  it("through division and powers (PyTorch's division gradient is written differently: one half ulp)", () => {
    const c = cases.div_pow!;
    const f = (x: Tensor, y: Tensor): Tensor => sum(add(div(x, add(mul(y, y), 1)), div(pow(x, 3), 10)));
    const [dx, dy] = grad(f)(half(c.x!), half(c.y!));
    expectHalf(dx!, c.dx!, 'dx', 1);
    expectHalf(dy!, c.dy!, 'dy', 1);
  });
});

describeOnWebgpu(gpu, 'autograd through float16 on webgpu matches the cpu float16 reference', () => {
  it('gradients of a two-layer network with logSoftmax are float16 and agree to a few half ulps', async () => {
    const host = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) * 1.5);
    const f = (x: Tensor, w1: Tensor, w2: Tensor): Tensor => mean(logSoftmax(matmul(relu(matmul(x, w1)), w2), 1));
    const run = (backend: string): Tensor[] => {
      const x = tensor(host(9 * 13, 1), { shape: [9, 13], dtype: 'float16', backend });
      const w1 = tensor(host(13 * 17, 2), { shape: [13, 17], dtype: 'float16', backend });
      const w2 = tensor(host(17 * 5, 3), { shape: [17, 5], dtype: 'float16', backend });
      return grad(f, { argnums: [1, 2] })(x, w1, w2);
    };
    const want = run('cpu');
    const got = run('webgpu');
    for (let k = 0; k < 2; k++) {
      expect(got[k]!.dtype).toBe('float16');
      const g = await got[k]!.data();
      const w = await want[k]!.data();
      const scale = Math.max(...Array.from(w, Math.abs));
      // the products' sums are ordered differently on the two backends: a few half ulps of the largest gradient
      w.forEach((v, i) => expect(Math.abs(g[i]! - v), `grad ${k}[${i}]`).toBeLessThanOrEqual(4 * 2 ** -11 * scale));
    }
  });
});
