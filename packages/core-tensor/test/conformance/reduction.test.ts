import { conformanceTests } from './conformance-case.js';
import { REDUCTION_CASES } from './cases/reduction-cases.js';
import { acquireWebgpu, describeOnWebgpu } from './webgpu-under-test.js';

const gpu = await acquireWebgpu();

describeOnWebgpu(gpu, 'reduction kernels on webgpu match the cpu', () => {
  conformanceTests(REDUCTION_CASES, 'webgpu');
});
