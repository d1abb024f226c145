import { conformanceTests } from './conformance-case.js';
import { ELEMENTWISE_CASES } from './cases/elementwise-cases.js';
import { acquireWebgpu, describeOnWebgpu } from './webgpu-under-test.js';

const gpu = await acquireWebgpu();

describeOnWebgpu(gpu, 'elementwise kernels on webgpu match the cpu', () => {
  conformanceTests(ELEMENTWISE_CASES, 'webgpu');
});
