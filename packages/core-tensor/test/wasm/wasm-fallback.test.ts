import { describe, expect, it, vi } from 'vitest';

describe('where WebAssembly SIMD is missing', () => {
  it('the CPU backend runs the TypeScript kernels, says why, and refuses to be forced onto wasm-simd', async () => {
    // this file's fork has not loaded the kernels yet: make validation fail as on an engine without SIMD
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const ct = await import('../../src/index.js');
    const s = ct.cpuStatus();
    expect(s.path).toBe('typescript');
    expect(s.threads).toBe(1);
    expect(s.reason).toMatch(/WebAssembly SIMD is not supported here/);
    expect(ct.backendInfo().details.cpuPath).toBe('typescript');
    const a = ct.randn([40, 30]);
    const b = ct.randn([30, 20]);
    // float32 storage stays in ordinary typed arrays
    expect((a.kernelTensor.storage as InstanceType<typeof ct.CpuStorage>).wasmPtr).toBe(-1);
    const c = ct.matmul(a, b).dataSync();
    const A = a.dataSync();
    const B = b.dataSync();
    let c00 = 0;
    for (let k = 0; k < 30; k++) c00 += A[k]! * B[k * 20]!;
    expect(c[0]).toBe(Math.fround(c00));
    await expect(ct.configureCpu({ path: 'wasm-simd' })).rejects.toThrow(/configureCpu: the wasm-simd path is unavailable: WebAssembly SIMD is not supported here/);
    expect(ct.cpuStatus().path).toBe('typescript');
  });
});
