import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBackend, setWebgpuMatmulKernel, webgpuMatmulKernel, webgpuMatmulKernels, type WebgpuMatmulKernel } from '@webgrad/core-tensor';
import { conformanceTests } from './conformance-case.js';
import { LINALG_CASES } from './cases/linalg-cases.js';
import { acquireWebgpu, describeOnWebgpu } from './webgpu-under-test.js';

const gpu = await acquireWebgpu();
// every matmul kernel this adapter can run (on lavapipe: tiled and subgroup), each through the whole matmul suite
const kernels: WebgpuMatmulKernel[] = gpu.available ? webgpuMatmulKernels() : ['tiled'];

describeOnWebgpu(gpu, 'linalg kernels on webgpu match the cpu', () => {
  conformanceTests(LINALG_CASES.filter((c) => c.kernel !== 'matmul'), 'webgpu');
  for (const kernel of kernels) {
    describe(`with the ${kernel} matmul kernel`, () => {
      beforeAll(() => setWebgpuMatmulKernel(kernel));
      afterAll(() => setWebgpuMatmulKernel('auto'));
      it(`runs the ${kernel} kernel`, () => {
        expect(webgpuMatmulKernel()).toBe(kernel);
      });
      conformanceTests(LINALG_CASES.filter((c) => c.kernel === 'matmul'), 'webgpu');
    });
  }
  it("'auto' picks the subgroup kernel on software adapters with fixed-size subgroups, the tiled one elsewhere", () => {
    const details = findBackend('webgpu').info().details;
    const software = details.software === true;
    expect(webgpuMatmulKernel()).toBe(software && kernels.includes('subgroup') ? 'subgroup' : 'tiled');
    // lavapipe (the CI adapter) has subgroups: the kernel it runs is the one tested here
    if (/llvmpipe|lavapipe/i.test(`${details.adapter} ${details.description}`)) expect(kernels).toContain('subgroup');
  });
  it('rejects an unknown kernel name, naming the choices', () => {
    expect(() => setWebgpuMatmulKernel('fast' as WebgpuMatmulKernel)).toThrow(
      "setWebgpuMatmulKernel: kernel must be 'auto', 'tiled' or 'subgroup', got 'fast'",
    );
  });
});
