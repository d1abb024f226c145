import { describe, expect, it } from 'vitest';
import { tensor, zeros, ones, tidy, keep, memory, randn, manualSeed, matmul, relu, sub, mul, mean, add, reshape, WebgradError, BackendError } from '@webgrad/core-tensor';

const live = (): number => memory().numTensors;
const bytes = (): number => memory().numBytes;

describe('memory() counts live tensors and the bytes of their storage', () => {
  it('creating and disposing', () => {
    const n0 = live();
    const b0 = bytes();
    const t = zeros([10, 10]); // float32: 400 bytes
    expect(live()).toBe(n0 + 1);
    expect(bytes()).toBe(b0 + 400);
    expect(memory().bytesByBackend.cpu).toBeGreaterThanOrEqual(400);
    t.dispose();
    expect(live()).toBe(n0);
    expect(bytes()).toBe(b0);
    t.dispose(); // idempotent
    expect(live()).toBe(n0);
  });

  it('dtype sizes: float64 8 bytes, int32 4, bool 1', () => {
    const b0 = bytes();
    const ts = [zeros([3], { dtype: 'float64' }), zeros([3], { dtype: 'int32' }), zeros([3], { dtype: 'bool' })];
    expect(bytes()).toBe(b0 + 24 + 12 + 3);
    ts.forEach((t) => t.dispose());
    expect(bytes()).toBe(b0);
  });

  it('views share storage: the bytes go only when the last handle is disposed', () => {
    const b0 = bytes();
    const t = ones([4, 4]);
    const v = reshape(t, [16]);
    expect(bytes()).toBe(b0 + 64);
    t.dispose();
    expect(bytes()).toBe(b0 + 64);
    expect(v.dataSync()[15]).toBe(1);
    v.dispose();
    expect(bytes()).toBe(b0);
  });

  it('using a disposed tensor is a clear error', () => {
    const t = tensor([1, 2]);
    t.dispose();
    expect(() => t.add(1)).toThrow(WebgradError);
    expect(() => t.add(1)).toThrow(/^add: tensor \d+ of shape \[2\] was disposed and cannot be used$/);
    expect(() => t.dataSync()).toThrow(/dataSync: tensor \d+ of shape \[2\] was disposed/);
  });

  it('assign_ swaps storage in place and frees the old one', () => {
    const p = zeros([8]);
    const b0 = bytes();
    const n0 = live();
    tidy(() => p.assign_(ones([8]).mul(3)));
    expect(Array.from(p.dataSync())).toEqual(new Array(8).fill(3));
    expect(bytes()).toBe(b0);
    expect(live()).toBe(n0);
    expect(() => p.assign_(ones([7]))).toThrow('assign_: value of shape [7] float32 does not match tensor of shape [8] float32');
  });
});

describe('tidy', () => {
  // warm the scalar cache so cached operands do not count as growth
  tidy(() => tensor([1]).mul(2).add(3).sub(1));

  it('frees every intermediate and keeps what is returned', () => {
    const x = tensor([1, 2, 3]);
    const n0 = live();
    const y = tidy(() => x.mul(2).add(3).sub(1));
    expect(live()).toBe(n0 + 1);
    expect(Array.from(y.dataSync())).toEqual([4, 6, 8]);
    expect(x.isDisposed).toBe(false);
  });

  it('keeps tensors returned in arrays, objects and maps', () => {
    const x = tensor([1, 2]);
    const n0 = live();
    const r = tidy(() => {
      const a = x.mul(2);
      const b = a.add(1);
      return { list: [a], nested: { b }, map: new Map([['c', b.sub(1)]]) };
    });
    expect(live()).toBe(n0 + 3);
    expect(r.list[0]!.isDisposed).toBe(false);
    expect(r.map.get('c')!.isDisposed).toBe(false);
  });

  it('nested: the inner result survives the inner tidy and is freed by the outer unless returned', () => {
    const x = tensor([1]);
    const n0 = live();
    let inner: ReturnType<typeof tensor> | undefined;
    const outer = tidy(() => {
      inner = tidy(() => x.mul(2).mul(2));
      return inner.add(1);
    });
    expect(inner!.isDisposed).toBe(true);
    expect(outer.item()).toBe(5);
    expect(live()).toBe(n0 + 1);
  });

  it('keep() excludes a tensor from every enclosing tidy', () => {
    const n0 = live();
    let kept: ReturnType<typeof tensor> | undefined;
    tidy(() => tidy(() => { kept = keep(tensor([1]).mul(2)); }));
    expect(kept!.isDisposed).toBe(false);
    expect(live()).toBe(n0 + 1);
  });

  it('an exception inside still frees the intermediates', () => {
    const n0 = live();
    expect(() => tidy(() => { tensor([1, 2]).mul(2); throw new Error('boom'); })).toThrow('boom');
    expect(live()).toBe(n0);
  });

  it('refuses an async function', () => {
    expect(() => tidy((async () => 1) as unknown as () => number)).toThrow(BackendError);
    expect(() => tidy((async () => 1) as unknown as () => number)).toThrow('tidy: the function passed to tidy must not be async (it returned a Promise)');
  });

  it('cached scalar operands stay bounded: a thousand distinct numbers do not leak tensors', () => {
    const x = tensor([1]);
    tidy(() => { for (let i = 0; i < 600; i++) x.mul(i + 0.5); });
    const n0 = live();
    tidy(() => { for (let i = 0; i < 1000; i++) x.mul(1000 + i + 0.25); });
    expect(live()).toBe(n0);
  });
});

describe('a 10 000-step loop holds memory flat', () => {
  it('forward + in-place update under tidy: numTensors and numBytes do not grow', () => {
    manualSeed(0);
    const W = randn([8, 8]);
    const X = randn([16, 8]);
    const step = (): void => tidy(() => {
      const h = relu(matmul(X, W));
      const loss = mean(mul(h, h));
      W.assign_(sub(W, mul(add(W, loss), 1e-4)));
    });
    for (let i = 0; i < 5; i++) step();
    const n0 = live();
    const b0 = bytes();
    for (let i = 0; i < 10_000; i++) step();
    expect(live()).toBe(n0);
    expect(bytes()).toBe(b0);
  });
});
