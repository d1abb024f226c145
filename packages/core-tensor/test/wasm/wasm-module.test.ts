import { describe, expect, it } from 'vitest';
import { backendInfo, configureCpu, cpuStatus } from '../../src/index.js';
import { compileKernels, createKernelMemory, dataSegmentsEnd, instantiateKernels, kernelBytes, withUnsharedMemoryImport } from '../../src/wasm/wasm-module.js';
import { CONTROL_BASE, CONTROL_WORDS } from '../../src/wasm/wasm-thread-pool.js';
import { sizeClass, WasmHeap } from '../../src/wasm/wasm-heap.js';

describe('loading the WebAssembly kernels', () => {
  it('compiles synchronously with shared memory, and with the shared flag cleared for realms without SharedArrayBuffer', () => {
    for (const shared of [true, false]) {
      const compiled = compileKernels(shared);
      if (typeof compiled === 'string') throw new Error(compiled);
      const memory = createKernelMemory(shared);
      const k = instantiateKernels(compiled, memory);
      // 2x2 product at 64 KiB: [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]
      const f = new Float32Array(memory.buffer);
      f.set([1, 2, 3, 4, 5, 6, 7, 8], 16384);
      k.sgemm(2, 2, 2, 65536, 2, 1, 65536 + 16, 2, 1, 65536 + 32, 2, 0, 2, 65536 + 64);
      expect([...f.subarray(16392, 16396)]).toEqual([19, 22, 43, 50]);
      expect(memory.buffer instanceof SharedArrayBuffer).toBe(shared);
    }
  });

  it('keeps the thread pool’s control block clear of the module’s data segments and below the heap', () => {
    // the log tables of AssemblyScript's Math sit from 1 KiB up; a control block on them corrupted log()
    const end = dataSegmentsEnd(kernelBytes());
    expect(end).toBeGreaterThan(1024);
    expect(end).toBeLessThanOrEqual(CONTROL_BASE);
    expect(CONTROL_BASE + 4 * CONTROL_WORDS).toBeLessThanOrEqual(65536);
  });

  it('clears only the memory import’s shared flag (0x03 → 0x01), nothing else', () => {
    const a = kernelBytes();
    const b = withUnsharedMemoryImport(a);
    const diff = [...a.keys()].filter((i) => a[i] !== b[i]);
    expect(diff.length).toBe(1);
    expect([a[diff[0]!], b[diff[0]!]]).toEqual([0x03, 0x01]);
  });

  it('reports the active CPU path in backendInfo()', async () => {
    await configureCpu({ path: 'typescript' });
    expect(backendInfo().details.cpuPath).toBe('typescript');
    expect(backendInfo().device).toMatch(/TypeScript/);
    const s = await configureCpu({ path: 'auto', threads: 2 });
    expect(s.path).toBe('wasm-simd');
    expect(s.threads).toBe(2);
    expect(s.readyHelpers).toBe(1);
    const info = backendInfo();
    expect(info.details.cpuPath).toBe('wasm-simd');
    expect(info.details.threads).toBe(2);
    expect(info.device).toMatch(/WebAssembly SIMD kernels \(2 threads\)/);
    expect(cpuStatus().reason).toMatch(/2 threads/);
  });

  it('rejects bad options naming what it expected', async () => {
    await expect(configureCpu({ threads: 0 })).rejects.toThrow(/configureCpu: threads must be an integer from 1 to 64, got 0/);
    await expect(configureCpu({ path: 'gpu' as never })).rejects.toThrow(/configureCpu: path must be 'auto', 'wasm-simd' or 'typescript', got 'gpu'/);
  });
});

describe('the kernels’ heap', () => {
  it('rounds requests to size classes with at most 12.5% slack', () => {
    expect(sizeClass(1)).toBe(64);
    expect(sizeClass(4096)).toBe(4096);
    for (const n of [4097, 10_000, 123_457, 5_000_000]) {
      expect(sizeClass(n)).toBeGreaterThanOrEqual(n);
      expect(sizeClass(n)).toBeLessThanOrEqual(n * 1.125);
    }
  });

  it('reuses freed blocks, grows on demand and refuses past its limit', () => {
    const heap = new WasmHeap(createKernelMemory(true), 1 << 22);
    const a = heap.alloc(100_000);
    const b = heap.alloc(100_000);
    expect(b).not.toBe(a);
    heap.free(a, 100_000);
    expect(heap.alloc(99_000)).toBe(a);
    expect(heap.liveBytes).toBe(2 * sizeClass(100_000));
    expect(heap.alloc(1 << 22)).toBe(-1);
    expect(heap.memory.buffer.byteLength).toBeLessThanOrEqual(1 << 22);
  });
});

describe('when the kernels’ heap is exhausted', () => {
  it('a kernel call frees what it allocated and the TypeScript kernel runs instead', async () => {
    const { getWasmRuntime } = await import('../../src/wasm/wasm-runtime.js');
    const { ScratchExhausted } = await import('../../src/wasm/wasm-operands.js');
    const { matmul, randn } = await import('../../src/index.js');
    await configureCpu({ path: 'wasm-simd', threads: 1 });
    const a = randn([30, 40]);
    const b = randn([40, 50]);
    const rt = getWasmRuntime()!;
    const live = rt.heap.liveBytes;
    const original = rt.arena.reserve.bind(rt.arena);
    rt.arena.reserve = () => {
      throw new ScratchExhausted('test: heap at its limit');
    };
    let c;
    try {
      c = matmul(a, b);
    } finally {
      rt.arena.reserve = original;
    }
    // only the result's own storage is new (the TypeScript kernel's output); the wasm output was given back
    expect(rt.heap.liveBytes - live).toBe(sizeClass(30 * 50 * 4));
    await configureCpu({ path: 'typescript' });
    expect([...c.dataSync()]).toEqual([...matmul(a, b).dataSync()]);
  });
});
