import { describe, expect, it } from 'vitest';
import { manualSeed, tensor, zeros, type Tensor } from '@webgrad/core-tensor';
import {
  Parameter,
  calculateFanInAndFanOut,
  calculateGain,
  constant_,
  eye_,
  kaimingNormal_,
  kaimingUniform_,
  normal_,
  ones_,
  orthogonal_,
  uniform_,
  xavierNormal_,
  xavierUniform_,
  zeros_,
} from '@webgrad/nn';

function moments(t: Tensor): { mean: number; variance: number; min: number; max: number } {
  const v = t.dataSync();
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    s += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const mean = s / v.length;
  let q = 0;
  for (const x of v) q += (x - mean) ** 2;
  return { mean, variance: q / v.length, min, max };
}

const param = (shape: number[], dtype: 'float32' | 'float64' = 'float32') => new Parameter(zeros(shape, { dtype }));

/** Gram matrix of the rows (QQᵀ) or columns (QᵀQ) of a [r, c] matrix. */
function gram(q: number[][], of: 'rows' | 'columns'): number[][] {
  const r = q.length;
  const c = q[0]!.length;
  const n = of === 'rows' ? r : c;
  const at = (i: number, k: number) => (of === 'rows' ? q[i]![k]! : q[k]![i]!);
  const len = of === 'rows' ? c : r;
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let k = 0; k < len; k++) s += at(i, k) * at(j, k);
    return s;
  }));
}

function expectIdentity(g: number[][], scale: number, tol: number): void {
  for (let i = 0; i < g.length; i++) for (let j = 0; j < g.length; j++) expect(Math.abs(g[i]![j]! - (i === j ? scale : 0))).toBeLessThan(tol);
}

describe('gains and fans (PyTorch calculate_gain, _calculate_fan_in_and_fan_out)', () => {
  it('gains', () => {
    expect(calculateGain('linear')).toBe(1);
    expect(calculateGain('conv_transpose2d')).toBe(1);
    expect(calculateGain('sigmoid')).toBe(1);
    expect(calculateGain('tanh')).toBe(5 / 3);
    expect(calculateGain('relu')).toBe(Math.SQRT2);
    expect(calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(calculateGain('leakyRelu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(calculateGain('selu')).toBe(0.75);
    expect(() => calculateGain('swish' as never)).toThrow(/calculateGain: unsupported nonlinearity 'swish'/);
  });
  it('fans: [out, in, k₁, k₂] has fanIn = in·k₁k₂ and fanOut = out·k₁k₂', () => {
    expect(calculateFanInAndFanOut([8, 3, 5, 5])).toEqual({ fanIn: 75, fanOut: 200 });
    expect(calculateFanInAndFanOut(param([4, 6]))).toEqual({ fanIn: 6, fanOut: 4 });
    expect(() => calculateFanInAndFanOut([5])).toThrow(/rank >= 2, got shape \[5\]/);
  });
});

describe('initialisers draw from the stated distributions', () => {
  manualSeed(1234);
  it('uniform_, normal_, constant_, zeros_, ones_, eye_', () => {
    const u = moments(uniform_(param([200, 100]), -2, 3));
    expect(u.min).toBeGreaterThanOrEqual(-2);
    expect(u.max).toBeLessThanOrEqual(3);
    expect(u.mean).toBeCloseTo(0.5, 1);
    expect(u.variance).toBeCloseTo(25 / 12, 1);
    const n = moments(normal_(param([200, 100]), 1, 0.5));
    expect(n.mean).toBeCloseTo(1, 2);
    expect(Math.sqrt(n.variance)).toBeCloseTo(0.5, 2);
    expect(Array.from(constant_(param([3]), 0.25).dataSync())).toEqual([0.25, 0.25, 0.25]);
    expect(Array.from(zeros_(ones_(param([2])) as Parameter).dataSync())).toEqual([0, 0]);
    expect(eye_(param([2, 3])).arraySync()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(() => eye_(param([2, 2, 2]))).toThrow(/eye_: only 2-D tensors are supported, got shape \[2,2,2\]/);
    expect(() => uniform_(zeros([2], { dtype: 'int32' }))).toThrow(/uniform_: can only initialise floating-point tensors, got int32/);
  });
  it('xavier: Var = gain²·2/(fanIn + fanOut), uniform within gain·√(6/(fanIn + fanOut))', () => {
    const w = param([300, 200]);
    const bound = 2 * Math.sqrt(6 / 500);
    const u = moments(xavierUniform_(w, 2));
    expect(u.min).toBeGreaterThanOrEqual(-bound);
    expect(u.max).toBeLessThanOrEqual(bound);
    expect(u.variance / ((4 * 2) / 500)).toBeCloseTo(1, 1);
    const n = moments(xavierNormal_(param([64, 32, 3, 3])));
    expect(n.variance / (2 / (32 * 9 + 64 * 9))).toBeCloseTo(1, 1);
    expect(Math.abs(n.mean)).toBeLessThan(0.01);
  });
  it('kaiming: Var = gain²/fan for the chosen fan; a = √5 gives PyTorch layer bound 1/√fanIn', () => {
    const w = param([256, 128]);
    const u = moments(kaimingUniform_(w, { a: Math.sqrt(5) }));
    expect(u.max).toBeLessThanOrEqual(1 / Math.sqrt(128));
    expect(u.min).toBeGreaterThanOrEqual(-1 / Math.sqrt(128));
    expect(u.max).toBeGreaterThan(0.99 / Math.sqrt(128));
    const r = moments(kaimingNormal_(param([64, 16, 5, 5]), { nonlinearity: 'relu' }));
    expect(r.variance / (2 / (16 * 25))).toBeCloseTo(1, 1);
    const o = moments(kaimingNormal_(param([64, 16, 5, 5]), { mode: 'fanOut', nonlinearity: 'relu' }));
    expect(o.variance / (2 / (64 * 25))).toBeCloseTo(1, 1);
    expect(() => kaimingNormal_(w, { mode: 'fan_in' as never })).toThrow(/mode must be 'fanIn' or 'fanOut'/);
  });
  it('orthogonal_: QᵀQ = I (tall), QQᵀ = I (wide), scaled by gain², float64 exact', () => {
    const tall = orthogonal_(param([40, 12], 'float64'));
    expectIdentity(gram(tall.arraySync() as number[][], 'columns'), 1, 1e-12);
    const wide = orthogonal_(param([5, 30], 'float64'), 3);
    expectIdentity(gram(wide.arraySync() as number[][], 'rows'), 9, 1e-11);
    const conv = orthogonal_(param([6, 2, 2, 2]));
    const rows = (conv.reshape([6, 8]).arraySync() as number[][]);
    expectIdentity(gram(rows, 'rows'), 1, 1e-6);
    expect(() => orthogonal_(param([4]))).toThrow(/orthogonal_: only tensors with 2 or more dimensions/);
  });
  it('orthogonal_ of a square matrix has determinant ±1 and is reproducible under manualSeed', () => {
    manualSeed(5);
    const a = orthogonal_(param([3, 3], 'float64')).arraySync() as number[][];
    manualSeed(5);
    const b = orthogonal_(param([3, 3], 'float64')).arraySync() as number[][];
    expect(a).toEqual(b);
    const det = a[0]![0]! * (a[1]![1]! * a[2]![2]! - a[1]![2]! * a[2]![1]!) - a[0]![1]! * (a[1]![0]! * a[2]![2]! - a[1]![2]! * a[2]![0]!) + a[0]![2]! * (a[1]![0]! * a[2]![1]! - a[1]![1]! * a[2]![0]!);
    expect(Math.abs(Math.abs(det) - 1)).toBeLessThan(1e-12);
  });
  it('initialisers keep the parameter object (optimizers hold it) and its gradient flag', () => {
    const p = param([4, 4]);
    const same = xavierUniform_(p);
    expect(same).toBe(p);
    expect(p.requiresGrad).toBe(true);
    expect(tensor([1]).isLeaf).toBe(true);
  });
});
