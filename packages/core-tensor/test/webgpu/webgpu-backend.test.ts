import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import {
  BackendError,
  DTypeError,
  WebgradError,
  findBackend,
  full,
  gather,
  init,
  listBackends,
  memory,
  setBackend,
  tensor,
  tidy,
  zeros,
} from '@webgrad/core-tensor';
import { acquireWebgpu, describeOnWebgpu } from '../conformance/webgpu-under-test.js';

const gpu = await acquireWebgpu();

afterAll(() => setBackend('cpu'));

describeOnWebgpu(gpu, 'the webgpu backend', () => {
  it("init({ backend: 'auto' }) does not prefer a software adapter over the cpu, and says why", async () => {
    const info = await init({ backend: 'auto' });
    const adapter = findBackend('webgpu').info();
    if (adapter.details.software === true) {
      expect(info.name).toBe('cpu');
      expect(info.reason).toMatch(/software WebGPU adapter .* slower than the CPU backend/);
    } else {
      expect(info.name).toBe('webgpu');
      expect(info.reason).toMatch(/hardware WebGPU adapter/);
    }
    setBackend('cpu');
  });

  it("init({ backend: 'webgpu' }) reports the adapter's vendor, architecture, limits and features", async () => {
    const info = await init({ backend: 'webgpu' });
    setBackend('cpu');
    expect(info.name).toBe('webgpu');
    expect(info.reason).toMatch(/^requested explicitly/);
    expect(typeof info.details.vendor).toBe('string');
    expect(typeof info.details.architecture).toBe('string');
    expect(info.details.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    expect(info.details.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
    expect(Array.isArray(info.details.features)).toBe(true);
    expect(info.device.length).toBeGreaterThan(0);
  });

  it('asking twice gives the same backend (one device per process)', async () => {
    const a = findBackend('webgpu');
    await init({ backend: 'webgpu' });
    setBackend('cpu');
    expect(findBackend('webgpu')).toBe(a);
  });

  it('round-trips float32, int32 and bool (bool is widened on the GPU and narrowed back)', async () => {
    const f = tensor([1.5, -2, NaN, Infinity], { backend: 'webgpu' });
    const i = tensor(new Int32Array([-2147483648, 0, 7, 2147483647]), { backend: 'webgpu' });
    const b = tensor([true, false, true], { backend: 'webgpu' });
    expect(Array.from(await f.data())).toEqual([1.5, -2, NaN, Infinity]);
    expect(await i.data()).toEqual(new Int32Array([-2147483648, 0, 7, 2147483647]));
    expect(await b.data()).toEqual(new Uint8Array([1, 0, 1]));
    expect(await b.array()).toEqual([true, false, true]);
    expect(b.dtype).toBe('bool');
  });

  it('reading synchronously is a clear error that says to await data()', () => {
    const t = zeros([2], { backend: 'webgpu' });
    expect(() => t.dataSync()).toThrow(BackendError);
    expect(() => t.dataSync()).toThrow(/use `await t\.data\(\)`/);
    expect(() => zeros([], { backend: 'webgpu' }).item()).toThrow(/use `await t\.data\(\)`/);
    expect(t.toString()).toBe('tensor(<on webgpu>, shape=[2], dtype=float32)');
  });

  it('float64 is refused with a DTypeError naming the op', () => {
    expect(() => tensor(new Float64Array([1, 2]), { backend: 'webgpu' })).toThrow(DTypeError);
    expect(() => tensor(new Float64Array([1, 2]), { backend: 'webgpu' })).toThrow(/float64 is CPU-only/);
    expect(() => full([2], 1, { dtype: 'float64', backend: 'webgpu' })).toThrow(/^fill: float64 is CPU-only/);
    expect(() => zeros([2], { backend: 'webgpu' }).cast('float64')).toThrow(/^cast: float64 is CPU-only/);
  });

  it('an index out of range is reported by the next read, with the op, the index and the axis length', async () => {
    const x = tensor([1, 2, 3], { backend: 'webgpu' });
    const bad = gather(x, 0, tensor(new Int32Array([0, 5]), { backend: 'webgpu' }));
    await expect(bad.data()).rejects.toThrow(WebgradError);
    // the flag is cleared: later reads work
    const good = gather(x, 0, tensor(new Int32Array([2, -1]), { backend: 'webgpu' }));
    expect(Array.from(await good.data())).toEqual([3, 3]);
    const bad2 = gather(x, 0, tensor(new Int32Array([-4]), { backend: 'webgpu' }));
    await expect(bad2.data()).rejects.toThrow('gather: index -4 is out of range for an axis of length 3');
  });

  it('a tensor larger than the largest storage buffer is a clear out-of-memory error, before any kernel runs', () => {
    const max = findBackend('webgpu').info().details.maxStorageBufferBindingSize as number;
    const n = Math.ceil(max / 4) + 1;
    expect(() => zeros([n], { backend: 'webgpu' })).toThrow(/^fill: out of GPU memory: a tensor of \d+ elements needs \d+ bytes/);
  });

  it('frees buffers into the pool and reuses them: live bytes and pooled buffers stay flat', () => {
    const workload = () =>
      tidy(() => {
        let y = full([1000], 2, { backend: 'webgpu' });
        for (let i = 0; i < 50; i++) y = y.mul(1.01).add(1);
        return y.sum();
      }).dispose();
    // the first run also caches the scalar operands 1.01 and 1 on the GPU
    workload();
    const bytes = memory().bytesByBackend.webgpu ?? 0;
    const buffers = findBackend('webgpu').info().details.poolBuffers;
    workload();
    workload();
    expect(findBackend('webgpu').info().details.poolBuffers).toBe(buffers);
    expect(memory().bytesByBackend.webgpu ?? 0).toBe(bytes);
  });

  it('a lost device gives clear errors, never a hang, and init creates a new one', async () => {
    const old = findBackend('webgpu') as unknown as { destroy(): void; isLost: boolean };
    const x = tensor([1, 2, 3], { backend: 'webgpu' });
    expect(Array.from(await x.mul(3).data())).toEqual([3, 6, 9]);
    old.destroy();
    await expect(x.data()).rejects.toThrow(/WebGPU device was lost .* Call `await init\(\{ backend: 'webgpu' \}\)`/);
    expect(old.isLost).toBe(true);
    expect(() => x.add(1)).toThrow(/WebGPU device was lost/);
    expect(listBackends()).not.toContain('webgpu');
    await init({ backend: 'webgpu' });
    setBackend('cpu');
    expect(findBackend('webgpu')).not.toBe(old);
    // the scalar 3 cached on the old device is not reused
    const y = tensor([1, 2, 3], { backend: 'webgpu' }).mul(3);
    expect(Array.from(await y.data())).toEqual([3, 6, 9]);
  });

  it.runIf(process.platform === 'linux')('without a Vulkan driver, asking for webgpu names what is missing and the fix; auto says why it chose the cpu', () => {
    const index = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
    const script = `
      const m = await import(${JSON.stringify(index)});
      try { await m.init({ backend: 'webgpu' }); console.log('UNEXPECTED'); } catch (e) { console.log('ERROR ' + e.message); }
      const info = await m.init({ backend: 'auto' });
      console.log('AUTO ' + info.name + ' ' + info.reason);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent-icd.json', VK_DRIVER_FILES: '/nonexistent-icd.json', WEBGRAD_BACKEND: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stdout).toContain('ERROR webgpu: no WebGPU adapter: Dawn found no Vulkan driver');
    expect(r.stdout).toContain('bash scripts/install-vulkan.sh');
    expect(r.stdout).toContain('apt-get install mesa-vulkan-drivers');
    expect(r.stdout).toMatch(/AUTO cpu WebGPU unavailable: .*no WebGPU adapter/);
  });
});
