import { describe, expect, it } from 'vitest';
import { concat, manualSeed, randn, sum, mul, zeros, type Tensor } from '@webgrad/core-tensor';
import { gradcheck, gradients } from '@webgrad/autograd';
import {
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  RNNCell,
  gruCellUpdate,
  gruCellUpdateReference,
  lstmCellUpdate,
  lstmCellUpdateReference,
  projectInput,
  recurrentStep,
  splitTimeSteps,
} from '@webgrad/layers-recurrent';
import { expectClose } from './expect-close.js';

const f64 = { dtype: 'float64' as const };

describe('the fused LSTM cell update', () => {
  it('equals the formula c′ = σ(a_f)⊙c + σ(a_i)⊙tanh(a_g), h′ = σ(a_o)⊙tanh(c′) written with separate ops', () => {
    manualSeed(10);
    for (const dtype of ['float32', 'float64'] as const) {
      const gi = randn([3, 2, 20], { dtype });
      const gh = randn([3, 2, 20], { dtype });
      const c = randn([3, 2, 5], { dtype });
      const fused = lstmCellUpdate(gi, gh, c);
      const ref = lstmCellUpdateReference(gi, gh, c);
      const tol = dtype === 'float32' ? 1e-6 : 1e-14;
      expectClose(fused.h, ref.h, tol, tol, 'h′');
      expectClose(fused.c, ref.c, tol, tol, 'c′');
    }
  });

  it('passes gradcheck for gi, gh and c (float64 central differences)', () => {
    manualSeed(11);
    const f = (gi: Tensor, gh: Tensor, c: Tensor): Tensor => {
      const s = lstmCellUpdate(gi, gh, c);
      return concat([s.h, s.c], -1);
    };
    expect(gradcheck(f, [randn([2, 12], f64), randn([2, 12], f64), randn([2, 3], f64)]).ok).toBe(true);
  });

  it('has a differentiable gradient: second derivatives equal those of the separate-op formula', () => {
    manualSeed(12);
    const inputs = [randn([2, 8], f64), randn([2, 8], f64), randn([2, 2], f64)].map((t) => t.requiresGrad_());
    const secondOrder = (update: typeof lstmCellUpdate): Tensor[] => {
      const s = update(inputs[0]!, inputs[1]!, inputs[2]!);
      const g = gradients(sum(mul(s.h, s.c)), inputs, { createGraph: true });
      return gradients(sum(mul(g[0]!, g[2]!.sum())), inputs, { allowUnused: true });
    };
    const a = secondOrder(lstmCellUpdate);
    const b = secondOrder(lstmCellUpdateReference);
    a.forEach((t, i) => expectClose(t, b[i]!, 1e-12, 0, `input ${i}`));
  });

  it('names itself and the shapes it got when gates and state disagree', () => {
    expect(() => lstmCellUpdate(zeros([2, 12]), zeros([2, 12]), zeros([2, 4]))).toThrow(
      /lstmCell: expected gi and gh of \[..., 4H\] and c of \[..., H\] with equal leading axes, got gi \[2,12\], gh \[2,12\], c \[2,4\]/,
    );
    expect(() => lstmCellUpdate(zeros([2, 8]), zeros([2, 8]), zeros([2, 2], f64))).toThrow(/lstmCell: expected gi, gh and c of one floating-point dtype, got float32, float32, float64/);
  });
});

describe('the fused GRU cell update', () => {
  it('equals r, z = σ(·), n = tanh(gi_n + r⊙(gh_n + b_hn)), h′ = (1 − z)⊙n + z⊙h written with separate ops', () => {
    manualSeed(13);
    for (const bias of [true, false]) {
      const gi = randn([4, 15], f64);
      const gh = randn([4, 15], f64);
      const h = randn([4, 5], f64);
      const bhh = bias ? randn([15], f64) : null;
      expectClose(gruCellUpdate(gi, gh, h, bhh), gruCellUpdateReference(gi, gh, h, bhh), 1e-14);
    }
  });

  it('passes gradcheck for gi, gh, h and b_hh', () => {
    manualSeed(14);
    expect(gradcheck((gi, gh, h, b) => gruCellUpdate(gi!, gh!, h!, b!), [randn([3, 9], f64), randn([3, 9], f64), randn([3, 3], f64), randn([9], f64)]).ok).toBe(true);
    expect(gradcheck((gi, gh, h) => gruCellUpdate(gi!, gh!, h!), [randn([2, 6], f64), randn([2, 6], f64), randn([2, 2], f64)]).ok).toBe(true);
  });

  it('has a differentiable gradient', () => {
    manualSeed(15);
    const inputs = [randn([2, 6], f64), randn([2, 6], f64), randn([2, 2], f64), randn([6], f64)].map((t) => t.requiresGrad_());
    const secondOrder = (update: typeof gruCellUpdate): Tensor[] => {
      const h = update(inputs[0]!, inputs[1]!, inputs[2]!, inputs[3]!);
      const g = gradients(sum(mul(h, h)), inputs, { createGraph: true });
      return gradients(sum(mul(g[1]!, g[1]!)).add(g[3]!.sum()), inputs, { allowUnused: true });
    };
    const a = secondOrder(gruCellUpdate);
    const b = secondOrder(gruCellUpdateReference);
    a.forEach((t, i) => expectClose(t, b[i]!, 1e-12, 0, `input ${i}`));
  });

  it('rejects a bias of the wrong size by name', () => {
    expect(() => gruCellUpdate(zeros([2, 6]), zeros([2, 6]), zeros([2, 2]), zeros([4]))).toThrow(/gruCell: expected gi and gh of \[..., 3H\].*bhh \[4\]/);
  });
});

describe('cells: gradcheck through a whole step (weights, input and state)', () => {
  for (const mode of ['RNN_TANH', 'RNN_RELU', 'LSTM', 'GRU'] as const) {
    it(mode, () => {
      manualSeed(16);
      const cell = mode === 'LSTM' ? new LSTMCell(3, 2, f64) : mode === 'GRU' ? new GRUCell(3, 2, f64) : new RNNCell(3, 2, { ...f64, nonlinearity: mode === 'RNN_TANH' ? 'tanh' : 'relu' });
      const w0 = cell.weights();
      const f = (x: Tensor, h: Tensor, c: Tensor, wih: Tensor, whh: Tensor, bih: Tensor, bhh: Tensor): Tensor => {
        const w = { weightIh: wih, weightHh: whh, biasIh: bih, biasHh: bhh, weightHr: null };
        const s = recurrentStep(mode, w, projectInput(mode, w, x), { h, c: mode === 'LSTM' ? c : null });
        return s.c ? concat([s.h, s.c], 1) : s.h;
      };
      const args = [randn([2, 3], f64), randn([2, 2], f64), randn([2, 2], f64), w0.weightIh, w0.weightHh, w0.biasIh!, w0.biasHh!];
      expect(gradcheck(f, args).ok).toBe(true);
    });
  }
});

describe('splitTimeSteps', () => {
  it('splits [T, ...] into T steps of [1, ...] whose gradient is one concatenation', () => {
    manualSeed(17);
    const x = randn([4, 2, 3]).requiresGrad_();
    const steps = splitTimeSteps(x);
    expect(steps.map((s) => s.shape)).toEqual([[1, 2, 3], [1, 2, 3], [1, 2, 3], [1, 2, 3]]);
    expect(steps[2]!.dataSync()).toEqual(x.narrow(0, 2, 1).dataSync());
    // only steps 1 and 3 are used: the others get zero gradient
    sum(mul(steps[1]!, 2)).add(sum(steps[3]!)).backward();
    const g = x.grad!.arraySync() as number[][][];
    expect(g.map((s) => s[0]![0])).toEqual([0, 2, 0, 1]);
    expect(gradcheck((v) => concat(splitTimeSteps(v).reverse(), 0), [randn([3, 2], f64)]).ok).toBe(true);
  });
});

describe('second derivatives through a whole layer (the deferred weight gradient is exact under createGraph)', () => {
  for (const make of [() => new LSTM(2, 3, f64), () => new GRU(2, 3, f64)]) {
    it(`${make().constructor.name}: the Hessian-vector product Hv = ∂/∂W ⟨∂L/∂W, v⟩ equals the central difference of ∂L/∂W along v`, () => {
      manualSeed(18);
      const layer = make();
      const x = randn([4, 2, 2], f64);
      const W = layer.weights(0).weightHh;
      const v = randn(W.shape as number[], f64);
      const loss = (): Tensor => sum(mul(layer.run(x).output, layer.run(x).output));
      const [g] = gradients(loss(), [W], { createGraph: true });
      const [hv] = gradients(sum(mul(g!, v)), [W]);
      const gradAt = (eps: number): Float64Array => {
        const w0 = W.detach().clone();
        W.assign_(w0.add(v.mul(eps)));
        const out = Float64Array.from(gradients(loss(), [W])[0]!.dataSync());
        W.assign_(w0);
        return out;
      };
      const eps = 1e-5;
      const plus = gradAt(eps);
      const minus = gradAt(-eps);
      expectClose(hv!, Array.from(plus, (p, i) => (p - minus[i]!) / (2 * eps)), 1e-6, 1e-5);
    });
  }
});
