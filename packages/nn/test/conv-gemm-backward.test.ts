import { describe, expect, it } from 'vitest';
import {
  addDispatchListener,
  conv2d,
  convTranspose2d,
  manualSeed,
  memory,
  randn,
  setBackend,
  tensor,
  tidy,
  toBackend,
  type Tensor,
  type TypedArray,
} from '@webgrad/core-tensor';
import { gradcheck, gradients } from '@webgrad/autograd';
import { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d } from '@webgrad/nn';
import { convTranspose2dGemm } from '../src/conv-transpose2d-gemm.js';
import { conv2dWeightGradGemm } from '../src/conv2d-weight-grad-gemm.js';
import type { Conv2dGemmGeometry } from '../src/conv2d-gemm.js';
import {
  acquireWebgpu,
  describeOnWebgpu,
} from '../../core-tensor/test/conformance/webgpu-under-test.js';
import { expectGpuMatchesCpu } from '../../core-tensor/test/conformance/fused-kernel-conformance.js';
import { expectClose as expectCloseTo } from '../../core-tensor/test/conformance/conformance-case.js';
import { expectMatches, fromSpec, readFixture, type TensorSpec } from './pytorch-fixture.js';

// The backward of conv2d as two implicit-GEMM ops:
//   convTranspose2dGemm(dy, w)[n, g·Cg + ci, iy, ix] = Σ w[g·Cog + co, ci, ky, kx]·dy[n, g·Cog + co, oy, ox]
//     over iy = oy·sh − ph + ky·dh, ix = ox·sw − pw + kx·dw   (= ∂⟨dy, conv2d(x, w)⟩/∂x),
//   conv2dWeightGradGemm(dy, x)[co, ci, ky, kx] = Σ_{n, oy, ox} dy[n, co, oy, ox]·x[n, g·Cg + ci, iy, ix]
//     (= ∂⟨dy, conv2d(x, w)⟩/∂w).
// Their CPU kernels (direct double-precision loops) must equal core-tensor's composed unfold/fold +
// matmul path, their WGSL kernels must equal the CPU kernels, and a Conv2d trained on WebGPU must
// get the CPU's gradients.

const gpu = await acquireWebgpu();

/** |got − want| ≤ tol·(1 + |want|) elementwise (the conformance suite's check). */
function expectClose(got: TypedArray, want: TypedArray, what: string, tol: number): void {
  expectCloseTo(got, want, { atol: tol, rtol: tol }, what);
}

interface Case {
  name: string;
  /** input [N, C, H, W] */
  x: [number, number, number, number];
  /** weight [Co, C/groups, kh, kw] */
  w: [number, number, number, number];
  g: Conv2dGemmGeometry;
}

const geo = (
  stride: [number, number],
  padding: [number, number],
  dilation: [number, number],
  groups = 1,
): Conv2dGemmGeometry => ({ stride, padding, dilation, groups });

const CASES: Case[] = [
  {
    name: '3×3, padding 1, stride 1, batch 2, odd sizes',
    x: [2, 3, 9, 7],
    w: [5, 3, 3, 3],
    g: geo([1, 1], [1, 1], [1, 1]),
  },
  {
    name: 'stride 2, padding 1, 7×7 input: the last row and column are reached by no window',
    x: [1, 4, 8, 8],
    w: [6, 4, 3, 3],
    g: geo([2, 2], [1, 1], [1, 1]),
  },
  {
    name: 'stride 3 × 2, padding 2 × 0, dilation 2 × 1, leftover rows',
    x: [3, 2, 14, 11],
    w: [5, 2, 3, 2],
    g: geo([3, 2], [2, 0], [2, 1]),
  },
  {
    name: 'stride 2 with dilation 2 (taps share a phase), kernel 4',
    x: [2, 3, 13, 12],
    w: [4, 3, 4, 4],
    g: geo([2, 2], [3, 1], [2, 2]),
  },
  {
    name: 'stride 3, 1×1 kernel: phases no tap reaches',
    x: [2, 5, 10, 8],
    w: [7, 5, 1, 1],
    g: geo([3, 3], [0, 0], [1, 1]),
  },
  { name: 'groups 3', x: [2, 6, 8, 9], w: [9, 2, 3, 3], g: geo([1, 1], [1, 1], [1, 1], 3) },
  {
    name: 'depthwise (groups = channels = 5), stride 2',
    x: [3, 5, 11, 9],
    w: [5, 1, 3, 3],
    g: geo([2, 2], [1, 1], [1, 1], 5),
  },
  {
    name: 'depthwise with multiplier 2 and dilation 2',
    x: [1, 4, 10, 10],
    w: [8, 1, 3, 3],
    g: geo([1, 1], [2, 2], [2, 2], 4),
  },
  {
    name: '40 out channels and 27 taps (the weight gradient in 64×32 blocks)',
    x: [2, 3, 9, 10],
    w: [40, 3, 3, 3],
    g: geo([1, 2], [1, 1], [1, 1]),
  },
  {
    name: 'channels past one 64-tile: 70 in, 67 out, K = 630',
    x: [2, 70, 6, 5],
    w: [67, 70, 3, 3],
    g: geo([1, 1], [1, 1], [1, 1]),
  },
  {
    name: 'batch 8 × 37×41 windows (a split reduction of 12136 products)',
    x: [8, 3, 39, 43],
    w: [6, 3, 3, 3],
    g: geo([1, 1], [0, 0], [1, 1]),
  },
];

function outSize(c: Case): [number, number] {
  const o = (i: 0 | 1): number =>
    Math.floor(
      (c.x[2 + i]! + 2 * c.g.padding[i] - c.g.dilation[i] * (c.w[2 + i]! - 1) - 1) / c.g.stride[i],
    ) + 1;
  return [o(0), o(1)];
}

function inputs(c: Case, dtype: 'float32' | 'float64'): { x: Tensor; w: Tensor; dy: Tensor } {
  manualSeed(11);
  const [oh, ow] = outSize(c);
  return {
    x: randn(c.x, { dtype }),
    w: randn(c.w, { dtype }),
    dy: randn([c.x[0], c.w[0], oh, ow], { dtype }),
  };
}

describe('the implicit-GEMM conv2d backward ops on the CPU (the reference)', () => {
  it.each(CASES)('equal the gradients of the composed unfold + matmul conv2d: $name', (c) => {
    const { x, w, dy } = inputs(c, 'float64');
    x.requiresGrad_(true);
    w.requiresGrad_(true);
    const [gx, gw] = gradients([conv2d(x, w, null, c.g).mul(dy).sum()], [x, w]) as [Tensor, Tensor];
    const dx = convTranspose2dGemm(dy, w.detach(), null, { ...c.g, outSize: [c.x[2], c.x[3]] });
    const dw = conv2dWeightGradGemm(dy, x.detach(), { ...c.g, kernelSize: [c.w[2], c.w[3]] });
    expectClose(dx.dataSync(), gx.dataSync(), 'input gradient', 1e-12);
    expectClose(dw.dataSync(), gw.dataSync(), 'weight gradient', 1e-12);
  });

  it('convTranspose2dGemm with a bias equals core-tensor convTranspose2d, output padding included', () => {
    manualSeed(3);
    const x = randn([2, 4, 5, 4], { dtype: 'float64' });
    const w = randn([4, 3, 3, 2], { dtype: 'float64' });
    const b = randn([6], { dtype: 'float64' });
    const o = {
      stride: [2, 3] as [number, number],
      padding: [1, 0] as [number, number],
      dilation: [1, 2] as [number, number],
      groups: 2,
    };
    const want = convTranspose2d(x, w, b, { ...o, outputPadding: [1, 2] });
    const got = convTranspose2dGemm(x, w, b, { ...o, outSize: [want.shape[2]!, want.shape[3]!] });
    expect(got.shape).toEqual(want.shape);
    expectClose(got.dataSync(), want.dataSync(), 'output', 1e-12);
  });

  it('gradcheck (float64) of both ops, and of their gradients', () => {
    const c: Case = {
      name: '',
      x: [2, 4, 6, 5],
      w: [2, 2, 2, 3],
      g: geo([2, 1], [1, 2], [1, 2], 2),
    };
    const { x, w, dy } = inputs(c, 'float64');
    const t = gradcheck(
      (d: Tensor, k: Tensor) => convTranspose2dGemm(d, k, null, { ...c.g, outSize: [7, 5] }),
      [dy, w],
    );
    expect(t.ok, t.message).toBe(true);
    const g = gradcheck(
      (d: Tensor, im: Tensor) => conv2dWeightGradGemm(d, im, { ...c.g, kernelSize: [2, 3] }),
      [dy, x],
    );
    expect(g.ok, g.message).toBe(true);
    // second order (createGraph): ∂/∂(d, k) of ⟨v, ∂‖convT(d, k)‖²/∂k⟩ equals the composed
    // convTranspose2d's, so the ops' gradients are themselves differentiable
    manualSeed(4);
    const v = randn(w.shape, { dtype: 'float64' });
    const second = (f: (d: Tensor, k: Tensor) => Tensor): Tensor[] => {
      const d = dy.detach().requiresGrad_(true);
      const k = w.detach().requiresGrad_(true);
      const gk = gradients([f(d, k).square().sum()], [k], { createGraph: true })[0]!;
      return gradients([gk.mul(v).sum()], [d, k]);
    };
    const got = second((d, k) => convTranspose2dGemm(d, k, null, { ...c.g, outSize: [7, 5] }));
    const want = second((d, k) => convTranspose2d(d, k, null, { ...c.g, outputPadding: [1, 0] }));
    for (let i = 0; i < 2; i++)
      expectClose(got[i]!.dataSync(), want[i]!.dataSync(), `second-order gradient ${i}`, 1e-10);
  });
});

describeOnWebgpu(gpu, 'the implicit-GEMM conv2d backward kernels on WebGPU equal the CPU', () => {
  it.each(CASES)(
    'convTranspose2dGemm (input gradient) and conv2dWeightGradGemm (weight gradient): $name',
    async (c) => {
      const [oh, ow] = outSize(c);
      const [N, , H, W] = c.x;
      const dy = { shape: [N, c.w[0], oh, ow] };
      await expectGpuMatchesCpu(
        'convTranspose2dGemm',
        [dy, { shape: c.w }],
        { ...c.g, outSize: [H, W] },
        { atol: 1e-5, rtol: 1e-5 },
      );
      // the weight gradient sums N·oh·ow products: the tolerance grows with that length
      const atol = 2e-7 * Math.sqrt(N * oh * ow) + 1e-5;
      await expectGpuMatchesCpu(
        'conv2dWeightGradGemm',
        [dy, { shape: c.x }],
        { ...c.g, kernelSize: [c.w[2], c.w[3]] },
        { atol, rtol: 1e-5 },
      );
    },
  );

  it('convTranspose2dGemm with a bias and output padding', async () => {
    const g = { stride: [3, 2], padding: [1, 1], dilation: [1, 1], groups: 2, outSize: [12, 10] };
    await expectGpuMatchesCpu(
      'convTranspose2dGemm',
      [{ shape: [2, 6, 4, 5] }, { shape: [6, 3, 3, 3] }, { shape: [6] }],
      g,
      { atol: 1e-5, rtol: 1e-5 },
    );
  });

  it('the weight gradient stays accurate over a long reduction (N·oh·ow = 131072)', async () => {
    // values of one sign, so every product adds: a single float32 running sum of 131072 of them
    // drifts by ~1e-4 relative; the split sums chunks of ≤ 4096 and adds the partials
    const n = 32 * 64 * 64;
    const ones = (size: number, seed: number): Float32Array =>
      Float32Array.from(
        { length: size },
        (_, i) => 0.5 + (((i * 2654435761 + seed) >>> 0) % 1000) / 2000,
      );
    const d = await expectGpuMatchesCpu(
      'conv2dWeightGradGemm',
      [
        { shape: [32, 2, 64, 64], values: ones(2 * n, 1) },
        { shape: [32, 1, 64, 64], values: ones(n, 7) },
      ],
      { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1, kernelSize: [3, 3] },
      { atol: 0, rtol: 2e-6 },
    );
    expect(d).toBeGreaterThan(0);
  });

  function layerOn<M>(backend: string, make: () => M): M {
    setBackend(backend);
    try {
      return make();
    } finally {
      setBackend('cpu', 'the CPU is the reference');
    }
  }

  /** Runs the layer on both backends with the same weights: every gradient must agree, and WebGPU must not unfold or fold. */
  async function backwardAgrees(
    make: () => Conv1d | Conv2d | ConvTranspose1d | ConvTranspose2d,
    shape: number[],
    expectOps: string[],
  ): Promise<void> {
    manualSeed(5);
    const cpu = make();
    const layer = layerOn('webgpu', make);
    layer.loadStateDict(cpu.stateDict());
    const x = randn(shape);
    const run = (l: typeof cpu, backend: string): Tensor[] => {
      const xi = toBackend(x, backend).requiresGrad_(true);
      const y = l.forward(xi);
      manualSeed(9);
      const r = toBackend(randn(y.shape), backend);
      return gradients([y.mul(r).sum()], [xi, ...l.parameters()]);
    };
    const ops: string[] = [];
    const stop = addDispatchListener((op) => ops.push(op));
    const got = run(layer, 'webgpu');
    stop();
    for (const op of expectOps) expect(ops).toContain(op);
    expect(ops).not.toContain('unfold');
    expect(ops).not.toContain('fold');
    const want = run(cpu, 'cpu');
    for (let i = 0; i < want.length; i++)
      expectClose(await got[i]!.data(), want[i]!.dataSync(), `gradient ${i}`, 1e-4);
  }

  it('Conv2d: the backward runs as the implicit-GEMM ops and equals the CPU layer (stride 2, groups, reflect padding)', async () => {
    await backwardAgrees(
      () => new Conv2d(4, 6, 3, { stride: 2, padding: 1, groups: 2, paddingMode: 'reflect' }),
      [3, 4, 9, 8],
      ['conv2dGemm', 'convTranspose2dGemm', 'conv2dWeightGradGemm'],
    );
  });

  it('Conv1d runs forward and backward as the implicit-GEMM ops', async () => {
    await backwardAgrees(
      () => new Conv1d(3, 5, 4, { stride: 2, padding: 2, dilation: 2 }),
      [2, 3, 17],
      ['conv2dGemm', 'convTranspose2dGemm', 'conv2dWeightGradGemm'],
    );
  });

  it('ConvTranspose2d runs forward and backward as the implicit-GEMM ops (output padding ≥ stride under dilation)', async () => {
    await backwardAgrees(
      () =>
        new ConvTranspose2d(4, 6, 3, {
          stride: 2,
          padding: 1,
          outputPadding: [1, 2],
          dilation: [1, 3],
          groups: 2,
        }),
      [2, 4, 5, 4],
      ['convTranspose2dGemm', 'conv2dGemm', 'conv2dWeightGradGemm'],
    );
  });

  it('ConvTranspose1d runs forward and backward as the implicit-GEMM ops', async () => {
    await backwardAgrees(
      () => new ConvTranspose1d(3, 2, 4, { stride: 3, padding: 1, outputPadding: 2 }),
      [2, 3, 6],
      ['convTranspose2dGemm', 'conv2dGemm', 'conv2dWeightGradGemm'],
    );
  });

  it('memory stays flat over repeated Conv2d backward passes on WebGPU', async () => {
    const layer = layerOn('webgpu', () => new Conv2d(3, 8, 3, { stride: 2, padding: 1 }));
    const x = randn([4, 3, 15, 15], { backend: 'webgpu' });
    const step = async (): Promise<void> => {
      const loss = tidy(() => {
        layer.zeroGrad();
        const l = layer.forward(x).square().mean();
        l.backward();
        return l;
      });
      await loss.data();
      loss.dispose();
    };
    await step();
    const before = memory();
    for (let i = 0; i < 20; i++) await step();
    const after = memory();
    // no growth (the garbage collector may meanwhile free tensors earlier tests left behind)
    expect(after.numTensors).toBeLessThanOrEqual(before.numTensors);
    expect(after.bytesByBackend.webgpu!).toBeLessThanOrEqual(before.bytesByBackend.webgpu!);
  });

  interface ConvFixture {
    name: string;
    kind: string;
    args: [number, number, number | [number, number]];
    options: Record<string, unknown> | null;
    state: Record<string, TensorSpec>;
    input: TensorSpec;
    forwardArgs?: [number[]];
    gradOutput: TensorSpec;
    output: TensorSpec;
    grads: Record<string, TensorSpec>;
  }
  const KINDS = { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d };
  const fixtures = readFixture<{ cases: ConvFixture[] }>('layers').cases.filter(
    (c) => c.kind in KINDS,
  );

  it.each(fixtures.map((c) => [c.name, c] as const))(
    'matches PyTorch 1.13 on WebGPU (layers.json): %s',
    async (_name, c) => {
      const Kind = KINDS[c.kind as keyof typeof KINDS];
      const layer = layerOn(
        'webgpu',
        () => new Kind(c.args[0], c.args[1], c.args[2], (c.options ?? {}) as never),
      );
      layer.loadStateDict(
        Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromSpec(v)])),
      );
      const x = toBackend(fromSpec(c.input), 'webgpu').requiresGrad_(true);
      const y = (layer.forward as (x: Tensor, size?: number[]) => Tensor)(
        x,
        ...(c.forwardArgs ?? []),
      );
      const onCpu = async (t: Tensor | null): Promise<Tensor | null> =>
        t ? tensor(await t.data(), { shape: t.shape }) : null;
      const tol = { atol: 1e-5, rtol: 1e-4 };
      expectMatches(await onCpu(y), c.output, 'output', tol);
      y.backward(toBackend(fromSpec(c.gradOutput), 'webgpu'));
      const params = Object.fromEntries(layer.namedParameters());
      for (const [k, g] of Object.entries(c.grads))
        expectMatches(await onCpu(k === 'input' ? x.grad : params[k]!.grad), g, `∂/∂${k}`, tol);
    },
  );
});
