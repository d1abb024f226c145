import { expect, it } from 'vitest';
import { fromTypedArray, hasKernel, mul, setBackend, sum, type Tensor } from '@webgrad/core-tensor';
import { LayerNorm } from '@webgrad/regularize';
import {
  acquireWebgpu,
  describeOnWebgpu,
} from '../../core-tensor/test/conformance/webgpu-under-test.js';
import {
  expectGpuMatchesCpu,
  expectTensorsClose,
  hostValues,
  type Tolerance,
} from '../../core-tensor/test/conformance/fused-kernel-conformance.js';

// The WGSL kernels of the fused layer norm (core-tensor's layer-norm.wgsl.ts) against this
// package's cpu kernels. The cpu accumulates in double precision; the gpu sums in f32 by
// workgroup tree reductions (and dγ, dβ over chunks of rows), so values agree to float32
// rounding of the sums: |gpu − cpu| ≤ TOL.atol + TOL.rtol·|cpu|, with atol growing as
// √rows for the backward op, whose dγ and dβ are sums over every row. Measured: y within
// 4e-7, dx within 3e-6, dγ/dβ over 8192 rows of 512 (values ~100) within 2e-4 of the cpu.
const TOL: Tolerance = { atol: 1e-5, rtol: 1e-5 };

const gpu = await acquireWebgpu();

/**
 * [rows…, N]. Rows of at most 64 take the thread-per-row kernels: one element, odd sizes, rank > 2
 * leading axes, 70,001 rows (threads in more than one workgroup row), no rows. Longer rows take
 * the workgroup-per-row kernels: odd sizes that are no multiple of the 128-thread workgroup, rows
 * longer than the workgroup, and 65,537 rows, more workgroups than one grid dimension holds
 * (they fold into two), the token count of a 64 × 1024 transformer batch, and the large case:
 * 4,259,905 elements, dγ and dβ summed over 1,025 chunks of rows.
 */
const SHAPES: readonly (readonly number[])[] = [
  [1, 1],
  [37, 50],
  [2, 3, 5, 33],
  [70_001, 3],
  [0, 16],
  [9, 65],
  [70, 130],
  [3, 5000],
  [65_537, 65],
];

describeOnWebgpu(gpu, 'the fused layer norm kernels on webgpu match the cpu kernels', () => {
  it('are registered for webgpu', () => {
    expect(hasKernel('layerNorm', 'webgpu')).toBe(true);
    expect(hasKernel('layerNormBackward', 'webgpu')).toBe(true);
  });

  for (const shape of SHAPES) {
    it(`layerNorm and layerNormBackward, x ${JSON.stringify(shape)}`, async () => {
      const n = shape[shape.length - 1]!;
      const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const x = { shape, scale: 3 };
      await expectGpuMatchesCpu(
        'layerNorm',
        [x, { shape: [n] }, { shape: [n] }],
        { eps: 1e-5 },
        TOL,
      );
      await expectGpuMatchesCpu(
        'layerNormBackward',
        [{ shape }, x, { shape: [n] }],
        { eps: 1e-5 },
        { atol: TOL.atol * Math.max(1, Math.sqrt(rows)), rtol: TOL.rtol },
      );
    });
  }

  it('LayerNorm on webgpu: output and the gradients of x, γ and β equal the cpu’s', async () => {
    const shape = [4, 3, 20];
    const cpuLayer = new LayerNorm([3, 20]);
    cpuLayer.weight!.assign_(fromTypedArray(hostValues(60, 3), [3, 20]));
    cpuLayer.bias!.assign_(fromTypedArray(hostValues(60, 4), [3, 20]));
    // parameters are created on the active backend
    setBackend('webgpu');
    const gpuLayer = new LayerNorm([3, 20]);
    setBackend('cpu');
    gpuLayer.loadStateDict(cpuLayer.stateDict());
    const run = (layer: LayerNorm, backend: string): Tensor[] => {
      const x = fromTypedArray(hostValues(240, 1, 2), shape, { backend, requiresGrad: true });
      const w = fromTypedArray(hostValues(240, 2), shape, { backend });
      const y = layer.forward(x);
      sum(mul(y, w)).backward();
      return [y, x.grad!, layer.weight!.grad!, layer.bias!.grad!];
    };
    const want = run(cpuLayer, 'cpu');
    const got = run(gpuLayer, 'webgpu');
    await expectTensorsClose(got, want, { atol: 1e-5, rtol: 1e-5 });
  });
});
