import { describe, expect, it } from 'vitest';
import { concat, manualSeed, mul, randn, reshape, sum, zeros, type Tensor } from '@webgrad/core-tensor';
import { gradcheck, gradients } from '@webgrad/autograd';
import { lstmSequence, runDirection, splitTimeSteps, usesFusedSequence } from '@webgrad/layers-recurrent';
import { expectClose } from './expect-close.js';

const f64 = { dtype: 'float64' as const };

/** The same recurrence step by step (per-step matmul and fused cell, as the CPU layers run it). */
function stepByStep(gi: Tensor, h0: Tensor, c0: Tensor, w: Tensor, reverse: boolean): { hs: Tensor; cs: Tensor } {
  const [, B, G] = gi.shape as [number, number, number];
  const H = G / 4;
  const cs: Tensor[] = [];
  const weights = { weightIh: w, weightHh: w, biasIh: null, biasHh: null, weightHr: null };
  const res = runDirection('LSTM', weights, splitTimeSteps(gi), { h: reshape(h0, [1, B, H]), c: reshape(c0, [1, B, H]) }, reverse, null, (t, s) => (cs[t] = s.c!));
  return { hs: concat(res.outputs, 0), cs: concat(cs, 0) };
}

function inputs(T: number, B: number, H: number): Tensor[] {
  return [randn([T, B, 4 * H], f64), randn([B, H], f64), randn([B, H], f64), mul(randn([4 * H, H], f64), 0.4)].map((t) => t.requiresGrad_());
}

describe('lstmSequence: the whole LSTM recurrence as one op', () => {
  for (const reverse of [false, true]) {
    for (const [T, B, H] of [
      [1, 2, 3],
      [5, 3, 4],
    ] as const) {
      it(`equals the step-by-step recurrence, outputs and all four gradients (T ${T}, B ${B}, H ${H}${reverse ? ', reverse' : ''})`, () => {
        manualSeed(40 + T);
        const xs = inputs(T, B, H);
        const [gi, h0, c0, w] = xs as [Tensor, Tensor, Tensor, Tensor];
        const u = randn([T, B, H], f64);
        const v = randn([T, B, H], f64);
        const loss = (r: { hs: Tensor; cs: Tensor }): Tensor => sum(mul(r.hs, u)).add(sum(mul(r.cs, v)));
        const fused = lstmSequence(gi, h0, c0, w, { reverse });
        const ref = stepByStep(gi, h0, c0, w, reverse);
        expectClose(fused.hs, ref.hs, 1e-14, 0, 'hs');
        expectClose(fused.cs, ref.cs, 1e-14, 0, 'cs');
        const a = gradients(loss(fused), xs);
        const b = gradients(loss(ref), xs);
        ['gi', 'h0', 'c0', 'W_hh'].forEach((name, i) => expectClose(a[i]!, b[i]!, 1e-12, 1e-12, `d${name}`));
      });
    }
    it(`passes gradcheck for gi, h0, c0 and W_hh (float64 central differences${reverse ? ', reverse' : ''})`, () => {
      manualSeed(50);
      const f = (gi: Tensor, h0: Tensor, c0: Tensor, w: Tensor): Tensor => {
        const r = lstmSequence(gi, h0, c0, w, { reverse });
        return concat([r.hs, r.cs], -1);
      };
      expect(gradcheck(f, inputs(3, 2, 2)).ok).toBe(true);
    });
  }

  it('has a differentiable gradient: second derivatives equal those of the step-by-step recurrence', () => {
    manualSeed(51);
    const xs = inputs(3, 2, 3);
    const [gi, h0, c0, w] = xs as [Tensor, Tensor, Tensor, Tensor];
    const secondOrder = (run: (reverse: boolean) => { hs: Tensor; cs: Tensor }): Tensor[] => {
      const r = run(true);
      const g = gradients(sum(mul(r.hs, r.cs)), xs, { createGraph: true });
      return gradients(sum(mul(g[3]!, g[3]!)).add(sum(mul(g[0]!, g[1]!.sum()))), xs, { allowUnused: true });
    };
    const a = secondOrder((reverse) => lstmSequence(gi, h0, c0, w, { reverse }));
    const b = secondOrder((reverse) => stepByStep(gi, h0, c0, w, reverse));
    a.forEach((t, i) => expectClose(t, b[i]!, 1e-11, 1e-11, `input ${i}`));
  });

  it('names itself, the shapes and the dtypes it got', () => {
    expect(() => lstmSequence(zeros([3, 2, 12]), zeros([2, 3]), zeros([2, 4]), zeros([12, 3]))).toThrow(
      'lstmSequence: expected gi [T, B, 4H] with T > 0, h0 and c0 [B, H] and weightHh [4H, H], got gi [3,2,12], h0 [2,3], c0 [2,4], weightHh [12,3]',
    );
    expect(() => lstmSequence(zeros([0, 2, 12]), zeros([2, 3]), zeros([2, 3]), zeros([12, 3]))).toThrow('with T > 0');
    expect(() => lstmSequence(zeros([3, 2, 12]), zeros([2, 3], f64), zeros([2, 3]), zeros([12, 3]))).toThrow(
      'lstmSequence: expected gi, h0, c0 and weightHh of one floating-point dtype, got float32, float64, float32, float32',
    );
  });

  it('is what the layers run on WebGPU, not on the CPU (whose per-step WebAssembly path is faster)', () => {
    expect(usesFusedSequence('cpu')).toBe(false);
  });
});
