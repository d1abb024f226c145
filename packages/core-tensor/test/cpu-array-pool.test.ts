import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { arange, configureCpu, cpuData, full, reshape, tidy, zeros, type Tensor } from '@webgrad/core-tensor';
import { cpuArrayPool } from '../src/cpu/cpu-array-pool.js';

// int32 storage never lives in the WebAssembly heap, so every int32 tensor's array comes from the pool
const N = 37;
const arrayOf = (t: Tensor): Int32Array => cpuData(t.kernelTensor) as Int32Array;
const ints = (): Tensor => arange(0, N, 1, { dtype: 'int32' });
const fresh = (k: number): Tensor[] => Array.from({ length: k }, () => full([N], 7, { dtype: 'int32' }));
const disposeAll = (ts: Tensor[]): void => ts.forEach((t) => t.dispose());

describe('the CPU array pool recycles the storage of disposed tensors', () => {
  it('hands a released array to the next allocation of the same dtype and length, zeroed where asked', () => {
    const a = full([N], 5, { dtype: 'int32' });
    const arr = arrayOf(a);
    a.dispose();
    const b = zeros([N], { dtype: 'int32' });
    expect(arrayOf(b)).toBe(arr);
    expect(Array.from(arrayOf(b))).toEqual(new Array(N).fill(0));
    b.dispose();
  });

  it('never hands out an array a live view still reads', () => {
    const t = ints();
    const v = reshape(t, [N, 1]);
    const arr = arrayOf(v);
    t.dispose();
    const others = fresh(20);
    expect(others.map(arrayOf)).not.toContain(arr);
    expect(Array.from(v.dataSync())).toEqual(Array.from({ length: N }, (_, i) => i));
    disposeAll(others);
    v.dispose();
    // the last handle is gone: now the array is free for the next tensor
    const next = fresh(1);
    expect(arrayOf(next[0]!)).toBe(arr);
    expect(Array.from(arrayOf(next[0]!))).toEqual(new Array(N).fill(7));
    disposeAll(next);
  });

  it('never hands out an array a detached handle still reads', () => {
    const t = ints();
    const d = t.detach();
    const arr = arrayOf(d);
    t.dispose();
    const others = fresh(20);
    expect(others.map(arrayOf)).not.toContain(arr);
    expect(d.dataSync()[N - 1]).toBe(N - 1);
    disposeAll([...others, d]);
  });

  it('assign_ releases the old storage only, and the shared new storage stays with the tensor', () => {
    const p = full([N], 1, { dtype: 'int32' });
    const oldArr = arrayOf(p);
    const q = ints();
    const newArr = arrayOf(q);
    p.assign_(q);
    q.dispose();
    const others = fresh(20);
    expect(others.map(arrayOf)).toContain(oldArr);
    expect(others.map(arrayOf)).not.toContain(newArr);
    expect(Array.from(p.dataSync())).toEqual(Array.from({ length: N }, (_, i) => i));
    disposeAll([...others, p]);
  });

  it('tidy returns intermediates to the pool and keeps what it returns out of it', () => {
    const x = ints();
    const y = tidy(() => x.add(1).mul(2).sub(3));
    const arr = arrayOf(y);
    const others = fresh(20);
    expect(others.map(arrayOf)).not.toContain(arr);
    expect(y.dataSync()[2]).toBe((2 + 1) * 2 - 3);
    disposeAll([...others, x, y]);
  });

  it('small float32 tensors on the TypeScript path are pooled too and keep their values', async () => {
    await configureCpu({ path: 'typescript' });
    try {
      const a = full([5], 2);
      const v = reshape(a, [5, 1]);
      const arr = cpuData(v.kernelTensor);
      a.dispose();
      const others = Array.from({ length: 10 }, () => full([5], 9));
      expect(others.map((t) => cpuData(t.kernelTensor))).not.toContain(arr);
      expect(Array.from(v.dataSync())).toEqual([2, 2, 2, 2, 2]);
      disposeAll([...others, v]);
    } finally {
      await configureCpu({ path: 'auto' });
    }
  });

  it('stays bounded: a flood of releases pools at most 64 arrays of one length', () => {
    const before = cpuArrayPool.pooledBytes;
    disposeAll(fresh(200));
    expect(cpuArrayPool.pooledBytes - before).toBeLessThanOrEqual(64 * N * 4);
  });
});

describe('handles that survive tidy are still freed by garbage collection', () => {
  it('a tensor returned from tidy and then dropped is collected and its storage goes back to the pool', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const tick = (): Promise<unknown> => new Promise((r) => setTimeout(r, 10));
    let ref: WeakRef<Tensor> | undefined;
    let arr: Int32Array | undefined;
    (() => {
      const t = tidy(() => ints().add(1));
      ref = new WeakRef(t);
      arr = arrayOf(t);
    })();
    // deref() keeps its target alive until the current job ends, so collect in a fresh job before looking
    let collected = false;
    for (let i = 0; i < 50 && !collected; i++) {
      await tick();
      gc();
      collected = ref!.deref() === undefined;
    }
    expect(collected).toBe(true);
    const taken: Int32Array[] = [];
    for (let i = 0; i < 50 && !taken.includes(arr!); i++) {
      await tick();
      for (let a = cpuArrayPool.take('int32', N); a !== null; a = cpuArrayPool.take('int32', N)) taken.push(a as Int32Array);
    }
    expect(taken).toContain(arr);
  });
});
