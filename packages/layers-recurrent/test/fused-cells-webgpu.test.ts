import { expect, it } from 'vitest';
import {
  fromTypedArray,
  hasKernel,
  manualSeed,
  mul,
  randn,
  sum,
  toBackend,
  type Tensor,
} from '@webgrad/core-tensor';
import { gradients } from '@webgrad/autograd';
import { gruCellUpdate, lstmCellUpdate, lstmSequence } from '@webgrad/layers-recurrent';
import {
  acquireWebgpu,
  describeOnWebgpu,
} from '../../core-tensor/test/conformance/webgpu-under-test.js';
import {
  expectGpuMatchesCpu,
  expectTensorsClose,
  hostValues,
  type Tolerance,
} from '../../core-tensor/test/conformance/fused-kernel-conformance.js';

// The WGSL kernels of the fused cells (core-tensor's lstm-cell.wgsl.ts, gru-cell.wgsl.ts)
// against this package's cpu kernels. The cpu computes the gates in double precision and
// rounds once; the gpu rounds every f32 operation, and its tanh/sigmoid are a few ulp
// from the double ones, so the outputs (all of magnitude ≲ 10 here) agree to a few
// float32 ulp: |gpu − cpu| ≤ 1e-6 + 1e-5·|cpu| (the largest seen is about 5e-7).
const TOL: Tolerance = { atol: 1e-6, rtol: 1e-5 };

const gpu = await acquireWebgpu();

/** Leading shapes: one row, an odd count that is no multiple of the 256-thread workgroup, rank > 2 leading axes, zero rows. */
const LEADING: readonly (readonly number[])[] = [[1], [37], [2, 3, 5], [0]];
const HIDDEN = [1, 7, 50];

describeOnWebgpu(gpu, 'fused LSTM and GRU cell kernels on webgpu match the cpu kernels', () => {
  it('the kernels are registered for webgpu, so LSTM and GRU layers take the fused path there', () => {
    for (const op of ['lstmCell', 'lstmCellBackward', 'gruCell', 'gruCellBackward'])
      expect(hasKernel(op, 'webgpu'), op).toBe(true);
  });

  for (const lead of LEADING) {
    for (const H of HIDDEN) {
      const state = [...lead, H];
      it(`lstmCell and lstmCellBackward, state ${JSON.stringify(state)}`, async () => {
        const gates = { shape: [...lead, 4 * H], scale: 3 };
        await expectGpuMatchesCpu('lstmCell', [gates, gates, { shape: state, scale: 2 }], {}, TOL);
        await expectGpuMatchesCpu(
          'lstmCellBackward',
          [{ shape: state }, { shape: state }, gates, gates, { shape: state, scale: 2 }],
          {},
          TOL,
        );
      });
      it(`gruCell and gruCellBackward, state ${JSON.stringify(state)}`, async () => {
        const gates = { shape: [...lead, 3 * H], scale: 3 };
        const bias = { shape: [3 * H] };
        await expectGpuMatchesCpu('gruCell', [gates, gates, { shape: state }, bias], {}, TOL);
        await expectGpuMatchesCpu(
          'gruCellBackward',
          [{ shape: state }, gates, gates, { shape: state }, bias],
          {},
          TOL,
        );
      });
    }
  }

  it('a large step: 4,194,304 gate pre-activations (batch 4096, hidden 256)', async () => {
    const gates = { shape: [4096, 1024], scale: 3 };
    const state = { shape: [4096, 256] };
    await expectGpuMatchesCpu('lstmCell', [gates, gates, state], {}, TOL);
    await expectGpuMatchesCpu('lstmCellBackward', [state, state, gates, gates, state], {}, TOL);
    const gru = { shape: [4096, 768], scale: 3 };
    await expectGpuMatchesCpu(
      'gruCellBackward',
      [state, gru, gru, state, { shape: [768] }],
      {},
      TOL,
    );
  });

  it('gradients through the fused ops (first order, the backward kernels) equal the cpu’s', async () => {
    manualSeed(21);
    const onBoth = (t: Tensor): [Tensor, Tensor] => [
      t.requiresGrad_(),
      toBackend(t, 'webgpu').requiresGrad_(),
    ];
    const [gi, giG] = onBoth(randn([3, 2, 20]));
    const [gh, ghG] = onBoth(randn([3, 2, 20]));
    const [c, cG] = onBoth(randn([3, 2, 5]));
    const [bh, bhG] = onBoth(randn([15]));
    const w = fromTypedArray(hostValues(30, 5), [3, 2, 5]);
    const wG = toBackend(w, 'webgpu');
    const loss = (a: Tensor, b: Tensor, s: Tensor, bias: Tensor, weights: Tensor): Tensor => {
      const l = lstmCellUpdate(a, b, s);
      const g = gruCellUpdate(a.narrow(-1, 0, 15), b.narrow(-1, 0, 15), s, bias);
      return sum(mul(l.h, weights))
        .add(sum(mul(l.c, l.c)))
        .add(sum(mul(g, weights)));
    };
    const want = gradients(loss(gi, gh, c, bh, w), [gi, gh, c, bh]);
    const got = gradients(loss(giG, ghG, cG, bhG, wG), [giG, ghG, cG, bhG]);
    await expectTensorsClose(got, want, TOL);
  });

  // The whole-sequence LSTM op: the recurrent sums run over H (forward) and 4H (backward) terms
  // in float32 on the gpu and in double on the cpu, and the state carries the error on through
  // the steps, so the bound is wider than the single cell's: a few float32 ulp of the sums'
  // scale (|W| ≤ 0.5, |h| < 1: the sums stay ≲ 10). Shapes: a single unit and row; hidden
  // sizes that are no multiple of 4 (the backward's vec4 of units) or of the 64-thread
  // workgroup; batches that are no multiple of the 4 rows a thread owns; T = 1 (no recurrence).
  const SEQ_TOL: Tolerance = { atol: 1e-5, rtol: 1e-4 };
  for (const [T, B, H] of [
    [1, 1, 1],
    [3, 5, 7],
    [4, 37, 66],
  ] as const) {
    for (const reverse of [false, true]) {
      it(`lstmSequence and lstmSequenceBackward, T ${T}, B ${B}, H ${H}${reverse ? ', reverse' : ''}`, async () => {
        const gates = { shape: [T, B, 4 * H], scale: 2 };
        const state = { shape: [B, H] };
        const seq = { shape: [T, B, H] };
        const w = { shape: [4 * H, H], scale: 0.5 };
        await expectGpuMatchesCpu('lstmSequence', [gates, state, state, w], { reverse }, SEQ_TOL);
        // activated gates in (0, 1) (i, f, o) and (−1, 1) (g): any values in (−1, 1) exercise the formula
        await expectGpuMatchesCpu('lstmSequenceBackward', [seq, seq, { shape: [T, B, 4 * H] }, seq, state, w], { reverse }, SEQ_TOL);
      });
    }
  }

  it('gradients through lstmSequence (the backward kernel and the W_hh, h0 products) equal the cpu’s', async () => {
    manualSeed(22);
    const onBoth = (t: Tensor): [Tensor, Tensor] => [t.requiresGrad_(), toBackend(t, 'webgpu').requiresGrad_()];
    const [gi, giG] = onBoth(randn([6, 5, 36]));
    const [h0, h0G] = onBoth(randn([5, 9]));
    const [c0, c0G] = onBoth(randn([5, 9]));
    const [w, wG] = onBoth(mul(randn([36, 9]), 0.3));
    const u = fromTypedArray(hostValues(270, 6), [6, 5, 9]);
    const uG = toBackend(u, 'webgpu');
    for (const reverse of [false, true]) {
      const loss = (a: Tensor, h: Tensor, c: Tensor, ww: Tensor, weights: Tensor): Tensor => {
        const r = lstmSequence(a, h, c, ww, { reverse });
        return sum(mul(r.hs, weights)).add(sum(mul(r.cs, r.cs)));
      };
      const want = gradients(loss(gi, h0, c0, w, u), [gi, h0, c0, w]);
      const got = gradients(loss(giG, h0G, c0G, wG, uG), [giG, h0G, c0G, wG]);
      await expectTensorsClose(got, want, SEQ_TOL);
    }
  });
});
