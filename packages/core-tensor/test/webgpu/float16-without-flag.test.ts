import { expect, it } from 'vitest';
import { BackendError, cast, DTypeError, findBackend, full, init, tensor } from '@webgrad/core-tensor';
import { acquireWebgpu, describeOnWebgpu } from '../conformance/webgpu-under-test.js';

// A device created without float16 (init's default) refuses float16 tensors
// with an error that says what is missing and how to turn it on. (Its own
// file: a device keeps the features it was created with for the process.)
const gpu = await acquireWebgpu();

describeOnWebgpu(gpu, 'float16 on webgpu without the float16 flag', () => {
  it('backendInfo says float16 is off and why', () => {
    const d = findBackend('webgpu').info().details;
    expect(d.float16).toBe(false);
    expect(d.float16Reason).toMatch(/not requested \(pass float16: true to init/);
  });

  it('creating, filling or casting to float16 on webgpu throws a DTypeError naming the missing feature and the fix', () => {
    const fix = /float16 on webgpu needs the device feature 'shader-f16', which was not requested: call `await init\(\{ backend: 'webgpu', float16: true \}\)`/;
    expect(() => tensor([1, 2], { dtype: 'float16', backend: 'webgpu' })).toThrow(DTypeError);
    expect(() => tensor([1, 2], { dtype: 'float16', backend: 'webgpu' })).toThrow(fix);
    expect(() => full([2], 1, { dtype: 'float16', backend: 'webgpu' })).toThrow(/^fill: float16 on webgpu needs/);
    expect(() => cast(tensor([1, 2], { backend: 'webgpu' }), 'float16')).toThrow(/^cast: float16 on webgpu needs/);
    expect(() => tensor([1, 2], { dtype: 'float16' }).to('webgpu')).toThrow(fix);
  });

  it('asking for float16 after the device was created without it is a clear error', async () => {
    await expect(init({ backend: 'webgpu', float16: true })).rejects.toThrow(BackendError);
    await expect(init({ backend: 'webgpu', float16: true })).rejects.toThrow(/a device cannot gain features\): pass float16: true to the first init/);
  });
});
