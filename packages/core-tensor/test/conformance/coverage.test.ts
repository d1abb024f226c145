import { describe, expect, it } from 'vitest';
import { listKernels } from '@webgrad/core-tensor';
import { ELEMENTWISE_CASES } from './cases/elementwise-cases.js';
import { LAYOUT_CASES } from './cases/layout-cases.js';
import { LINALG_CASES } from './cases/linalg-cases.js';
import { RANDOM_CASES } from './cases/random-cases.js';
import { REDUCTION_CASES } from './cases/reduction-cases.js';

// These run without a GPU: kernel registration needs no device.
describe('kernel coverage', () => {
  it('every cpu kernel has a webgpu kernel', () => {
    const gpu = new Set(listKernels('webgpu'));
    expect(listKernels('cpu').filter((k) => !gpu.has(k))).toEqual([]);
  });

  it('every cpu kernel has a conformance case', () => {
    const covered = new Set([...ELEMENTWISE_CASES, ...LAYOUT_CASES, ...LINALG_CASES, ...RANDOM_CASES, ...REDUCTION_CASES].map((c) => c.kernel));
    expect(listKernels('cpu').filter((k) => !covered.has(k))).toEqual([]);
  });
});
