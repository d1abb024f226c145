import { describe, expect, it } from 'vitest';
import {
  addDispatchListener,
  batchMatmul,
  gelu,
  manualSeed,
  randn,
  relu,
  setBackend,
  setWebgpuMatmulKernel,
  sigmoid,
  tanh,
  toBackend,
  type Tensor,
  type TypedArray,
  type WebgpuMatmulKernel,
  webgpuMatmulKernels,
} from '@webgrad/core-tensor';
import { gradcheck, gradients } from '@webgrad/autograd';
import { Linear, matmulBiasAct, type MatmulBiasActivation } from '@webgrad/nn';
import {
  acquireWebgpu,
  describeOnWebgpu,
} from '../../core-tensor/test/conformance/webgpu-under-test.js';

// matmulBiasAct(A, B, b) = act(op(A)·op(B) + b): one op whose CPU kernel is the
// composed matmul → add → activation (bit for bit) and whose WebGPU kernel is
// the matmul kernels with the bias and activation applied on the store.

const gpu = await acquireWebgpu();
// the large cases run on every matmul kernel the adapter has (lavapipe: tiled and subgroup)
const kernels: WebgpuMatmulKernel[] = gpu.available ? webgpuMatmulKernels() : ['tiled'];

const ACTIVATIONS: MatmulBiasActivation[] = ['none', 'relu', 'gelu', 'tanh', 'sigmoid'];
const APPLY: Record<MatmulBiasActivation, (z: Tensor) => Tensor> = {
  none: (z) => z,
  relu,
  gelu: (z) => gelu(z),
  tanh,
  sigmoid,
};

function composed(
  a: Tensor,
  b: Tensor,
  bias: Tensor,
  tA: boolean,
  tB: boolean,
  act: MatmulBiasActivation,
): Tensor {
  return APPLY[act](batchMatmul(a, b, tA, tB).add(bias));
}

function expectClose(got: TypedArray, want: TypedArray, what: string, tol: number): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = Number(want[i]);
    if (!(Math.abs(Number(got[i]) - w) <= tol * (1 + Math.abs(w))))
      expect.fail(`${what}: element ${i} is ${got[i]}, expected ${w}`);
  }
}

describe('matmulBiasAct on the CPU', () => {
  it.each(ACTIVATIONS)(
    'equals the composed act(A·Bᵀ + b) bit for bit, with the composed gradients: %s',
    (act) => {
      manualSeed(1);
      const a = randn([2, 7, 5], { requiresGrad: true });
      const b = randn([1, 3, 5], { requiresGrad: true });
      const bias = randn([3], { requiresGrad: true });
      const y = matmulBiasAct(a, b, bias, { transposeB: true, activation: act });
      const want = composed(a, b, bias, false, true, act);
      expect(Array.from(y.dataSync())).toEqual(Array.from(want.dataSync()));
      const g1 = gradients([y.sum()], [a, b, bias]);
      const g2 = gradients([want.sum()], [a, b, bias]);
      for (let i = 0; i < 3; i++)
        expectClose(g1[i]!.dataSync(), g2[i]!.dataSync(), `gradient ${i}`, 1e-6);
    },
  );

  it.each(ACTIVATIONS)('gradcheck (float64) with transposed A: %s', (act) => {
    manualSeed(2);
    const a = randn([1, 4, 3], { dtype: 'float64' });
    const b = randn([2, 4, 5], { dtype: 'float64' });
    const bias = randn([5], { dtype: 'float64' });
    const result = gradcheck(
      (x: Tensor, w: Tensor, c: Tensor) =>
        matmulBiasAct(x, w, c, { transposeA: true, activation: act }),
      [a, b, bias],
    );
    expect(result.ok, result.message).toBe(true);
  });

  it('errors name the op, the shapes and what was expected', () => {
    const a = randn([1, 2, 3]);
    expect(() => matmulBiasAct(a, randn([1, 4, 5]), randn([5]))).toThrow(
      'matmulBiasAct: expected A [B, M, K], B [B, K, N] and bias [N], got [1,2,3], [1,4,5] and bias [5]',
    );
    expect(() => matmulBiasAct(a, randn([1, 3, 5]), randn([4]))).toThrow('bias [4]');
    expect(() =>
      matmulBiasAct(a, randn([1, 3, 5]), randn([5]), {
        activation: 'softmax' as MatmulBiasActivation,
      }),
    ).toThrow(
      "matmulBiasAct: activation must be one of none, relu, gelu, tanh, sigmoid, got 'softmax'",
    );
  });
});

describeOnWebgpu(gpu, 'matmulBiasAct on WebGPU equals the CPU', () => {
  // small products run one thread per output, large ones the tiled or the subgroup kernel: all
  // carry the epilogue. Every activation runs on the small kernel; two on each large one (each
  // large variant costs seconds of shader compilation on a software adapter)
  const NAIVE: [string, number[], number[], boolean, boolean] = [
    'one thread per output, Bᵀ',
    [1, 5, 7],
    [1, 3, 7],
    false,
    true,
  ];
  type Case = [MatmulBiasActivation, string, number[], number[], boolean, boolean];
  const LARGE: Case[] = [
    ['none', 'odd sizes, Bᵀ, batch 3 over a shared B', [3, 67, 45], [1, 70, 45], false, true],
    ['gelu', 'Aᵀ, N not a multiple of 4', [2, 33, 130], [2, 33, 37], true, false],
  ];
  const CASES: [...Case, WebgpuMatmulKernel | 'auto'][] = [
    ...ACTIVATIONS.map((act): [...Case, 'auto'] => [act, ...NAIVE, 'auto']),
    ...kernels.flatMap((k) =>
      LARGE.map((c): [...Case, WebgpuMatmulKernel] => [
        c[0],
        `${k} kernel, ${c[1]}`,
        c[2],
        c[3],
        c[4],
        c[5],
        k,
      ]),
    ),
  ];
  it.each(CASES)('%s: %s', async (act, _name, as, bs, tA, tB, kernel) => {
    manualSeed(3);
    const a = randn(as);
    const b = randn(bs);
    const N = tB ? bs[1]! : bs[2]!;
    const bias = randn([N]);
    const run = (backend: string): { y: Tensor; g: Tensor[] } => {
      const [x, w, c] = [a, b, bias].map((t) => toBackend(t, backend).requiresGrad_(true)) as [
        Tensor,
        Tensor,
        Tensor,
      ];
      const y = matmulBiasAct(x, w, c, { transposeA: tA, transposeB: tB, activation: act });
      return { y, g: gradients([y.square().sum()], [x, w, c]) };
    };
    setWebgpuMatmulKernel(kernel);
    try {
      const g = run('webgpu');
      const c = run('cpu');
      expectClose(await g.y.data(), c.y.dataSync(), 'output', 1e-5);
      for (let i = 0; i < 3; i++)
        expectClose(await g.g[i]!.data(), c.g[i]!.dataSync(), `gradient ${i}`, 1e-4);
    } finally {
      setWebgpuMatmulKernel('auto');
    }
  });

  it('Linear runs as one matmulBiasAct dispatch on WebGPU and equals the CPU layer', async () => {
    manualSeed(4);
    const cpu = new Linear(19, 11);
    setBackend('webgpu');
    const layer = new Linear(19, 11);
    setBackend('cpu', 'the CPU is the reference');
    layer.loadStateDict(cpu.stateDict());
    const x = randn([2, 3, 19]);
    const ops: string[] = [];
    const stop = addDispatchListener((op) => ops.push(op));
    const y = layer.forward(toBackend(x, 'webgpu'));
    stop();
    expect(y.backend.name).toBe('webgpu');
    expect(ops).toContain('matmulBiasAct');
    expect(ops).not.toContain('permute');
    expectClose(await y.data(), cpu.forward(x).dataSync(), 'output', 1e-5);
  });
});
