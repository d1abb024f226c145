import { conformanceTests } from './conformance-case.js';
import { LINALG_CASES } from './cases/linalg-cases.js';
import { acquireWebgpu, describeOnWebgpu } from './webgpu-under-test.js';

const gpu = await acquireWebgpu();

describeOnWebgpu(gpu, 'linalg kernels on webgpu match the cpu', () => {
  conformanceTests(LINALG_CASES, 'webgpu');
});
