import { conformanceTests } from './conformance-case.js';
import { RANDOM_CASES } from './cases/random-cases.js';
import { acquireWebgpu, describeOnWebgpu } from './webgpu-under-test.js';

const gpu = await acquireWebgpu();

describeOnWebgpu(gpu, 'random kernels on webgpu match the cpu', () => {
  conformanceTests(RANDOM_CASES, 'webgpu');
});
