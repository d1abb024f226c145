import { conformanceTests } from './conformance-case.js';
import { LAYOUT_CASES } from './cases/layout-cases.js';
import { acquireWebgpu, describeOnWebgpu } from './webgpu-under-test.js';

const gpu = await acquireWebgpu();

describeOnWebgpu(gpu, 'layout kernels on webgpu match the cpu', () => {
  conformanceTests(LAYOUT_CASES, 'webgpu');
});
