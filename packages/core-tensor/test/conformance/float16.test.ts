import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cast, findBackend, full, manualSeed, rand, randn, setWebgpuMatmulKernel, tensor, webgpuMatmulKernel, webgpuMatmulKernels,
  type DType, type Tensor, type WebgpuMatmulKernel,
} from '@webgrad/core-tensor';
import { expectClose, type ConformanceCase, type HostTensor, type Tolerance } from './conformance-case.js';
import { ELEMENTWISE_CASES } from './cases/elementwise-cases.js';
import { LAYOUT_CASES } from './cases/layout-cases.js';
import { LINALG_CASES } from './cases/linalg-cases.js';
import { REDUCTION_CASES } from './cases/reduction-cases.js';
import { acquireWebgpu, describeOnWebgpu } from './webgpu-under-test.js';
import { FLOAT16_OPS } from '../../src/webgpu/float16-ops.js';

// Every conformance case with float32 inputs runs again in float16: the
// inputs are rounded to half, the op runs on the CPU (the float16 reference:
// float32 arithmetic, rounded to half after every op) and on WebGPU (f16
// storage, f32 arithmetic), and the results must agree to one half-precision
// rounding: |got − want| ≤ 2^-10·|want| + 2^-23 (one half ulp relative, two
// subnormal steps absolute), on top of the case's own float32 tolerance
// (WGSL's exp, log, pow... may be a few float32 ulps off, which can move a
// result across a half rounding boundary). Cases whose kernel has no float16
// kernel on WebGPU (FLOAT16_OPS) run on float32 copies of their inputs and
// must agree the same way.

const gpu = await acquireWebgpu({ float16: true });

const HALF_ULP = 2 ** -10;

function halfTolerance(tol: Tolerance | undefined): Tolerance {
  return { rtol: HALF_ULP + (tol?.rtol ?? 0) * 2, atol: 2 ** -23 + (tol?.atol ?? 0) * 2 };
}

function asHalf(h: HostTensor): HostTensor {
  return h.dtype === 'float32' ? { ...h, dtype: 'float16' } : h;
}

function upload(h: HostTensor, backend: string): Tensor {
  return tensor(h.values, { shape: h.shape, dtype: h.dtype, backend });
}

/** The cases with a float input, without the multi-million-element ones. */
function halfCases(cases: readonly ConformanceCase[]): ConformanceCase[] {
  return cases.filter((c) => c.inputs.some((h) => h.dtype === 'float32') && c.inputs.every((h) => h.values.length < 1_000_000));
}

function float16Tests(cases: readonly ConformanceCase[]): void {
  for (const c of halfCases(cases)) {
    it(`${c.kernel}: ${c.name} in float16`, async () => {
      const inputs = c.inputs.map(asHalf);
      const want = [c.run(inputs.map((h) => upload(h, 'cpu')), 'cpu')].flat();
      const got = [c.run(inputs.map((h) => upload(h, 'webgpu')), 'webgpu')].flat();
      expect(got.length).toBe(want.length);
      for (let k = 0; k < want.length; k++) {
        expect(got[k]!.shape, `output ${k} shape`).toEqual(want[k]!.shape);
        expect(got[k]!.dtype, `output ${k} dtype`).toBe(want[k]!.dtype);
        expectClose(await got[k]!.data(), await want[k]!.data(), halfTolerance(c.tol), `output ${k}`);
      }
      for (const t of [...got, ...want]) t.dispose();
    });
  }
}

describeOnWebgpu(gpu, 'float16 on webgpu: the device and its errors', () => {
  it("init({ float16: true }) requests 'shader-f16'; float16 tensors take 2 bytes an element", async () => {
    const d = findBackend('webgpu').info().details;
    expect(d.float16).toBe(true);
    expect(d.features).toContain('shader-f16');
    const t = tensor([1, 2.5, 65504, 70000], { dtype: 'float16', backend: 'webgpu' });
    expect(t.dtype).toBe('float16');
    expect(Array.from(await t.data())).toEqual([1, 2.5, 65504, Infinity]);
    expect(t.kernelTensor.storage.byteLength).toBe(8);
    // rounded up to whole 32-bit words
    expect(tensor([1, 2, 3], { dtype: 'float16', backend: 'webgpu' }).kernelTensor.storage.byteLength).toBe(8);
  });

  it('ops without a native float16 kernel (cumsum, scatterAdd) run on float32 copies: two casts around the float32 kernel', async () => {
    expect(FLOAT16_OPS.has('cumsum')).toBe(false);
    const x = tensor([1, 2, 3, 0.1], { dtype: 'float16', backend: 'webgpu' });
    const before = Number(findBackend('webgpu').info().details.dispatches);
    const y = x.cumsum(0);
    expect(Number(findBackend('webgpu').info().details.dispatches) - before).toBe(3);
    expect(y.dtype).toBe('float16');
    expect(Array.from(await y.data())).toEqual(Array.from(tensor([1, 2, 3, 0.1], { dtype: 'float16' }).cumsum(0).dataSync()));
    const base = tensor([0, 0, 0], { dtype: 'float16', backend: 'webgpu' });
    const s = base.scatterAdd(0, tensor([0, 2, 0, 2], { dtype: 'int32', backend: 'webgpu' }), tensor([1, 2, 0.5, 0.25], { dtype: 'float16', backend: 'webgpu' }));
    expect(s.dtype).toBe('float16');
    expect(Array.from(await s.data())).toEqual([1.5, 0, 2.25]);
  });
});

describeOnWebgpu(gpu, 'float16 kernels on webgpu match the cpu float16 reference', () => {
  float16Tests([...ELEMENTWISE_CASES, ...LAYOUT_CASES, ...LINALG_CASES.filter((c) => c.kernel !== 'matmul'), ...REDUCTION_CASES]);

  // every matmul kernel the adapter can run, in half: 'auto' picks the subgroup kernel on lavapipe, while real
  // GPUs run the tiled one, so both are checked here
  const kernels: WebgpuMatmulKernel[] = gpu.available ? webgpuMatmulKernels() : ['tiled'];
  for (const kernel of kernels) {
    describe(`with the ${kernel} matmul kernel`, () => {
      beforeAll(() => setWebgpuMatmulKernel(kernel));
      afterAll(() => setWebgpuMatmulKernel('auto'));
      it(`runs the ${kernel} kernel`, () => {
        expect(webgpuMatmulKernel()).toBe(kernel);
      });
      float16Tests(LINALG_CASES.filter((c) => c.kernel === 'matmul'));
    });
  }

  const dtypes: DType[] = ['float32', 'int32', 'bool'];
  for (const other of dtypes) {
    it(`cast float16 ↔ ${other}`, async () => {
      const src = [0, -0, 1, -2.75, 0.1, 1 / 3, 65504, 70000, -1e-6, 1e-8, 2049, NaN, Infinity, -Infinity, 3.5, -0.5];
      const vals = other === 'float32' ? src : other === 'int32' ? [0, 1, -7, 2049, 65519, 65520, 70000, -100000] : [0, 1, 1, 0];
      for (const [from, to] of [['float16', other], [other, 'float16']] as const) {
        const input = from === 'float16' || other === 'float32' ? src : vals;
        const usable = from === 'float16' && other !== 'float32' ? input.filter((v) => Number.isFinite(v)) : input;
        const a = cast(tensor(usable, { dtype: from, backend: 'cpu' }), to);
        const b = cast(tensor(usable, { dtype: from, backend: 'webgpu' }), to);
        expect(b.dtype).toBe(to);
        expectClose(await b.data(), await a.data(), { rtol: 0, atol: 0 }, `${from} → ${to}`);
      }
    });
  }

  it('fill, rand and randn draw the same numbers as the cpu, rounded to half', async () => {
    const f = full([3, 5], 0.1, { dtype: 'float16', backend: 'webgpu' });
    expect(Array.from(await f.data())).toEqual(new Array(15).fill(0.0999755859375));
    expect(Array.from(await full([7], -3, { dtype: 'float16', backend: 'webgpu' }).data())).toEqual(new Array(7).fill(-3));
    for (const draw of [rand, randn]) {
      manualSeed(7);
      const a = draw([33, 17], { dtype: 'float16', backend: 'cpu' });
      manualSeed(7);
      const b = draw([33, 17], { dtype: 'float16', backend: 'webgpu' });
      expect(b.dtype).toBe('float16');
      expectClose(await b.data(), await a.data(), halfTolerance({ rtol: 1e-5, atol: 1e-6 }), draw.name);
    }
  });
});
