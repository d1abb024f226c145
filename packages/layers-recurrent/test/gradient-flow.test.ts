import { describe, expect, it } from 'vitest';
import { concat, full, manualSeed, memory, mul, narrow, randn, select, sum, tensor, type Tensor } from '@webgrad/core-tensor';
import { jacobian } from '@webgrad/autograd';
import {
  GRU,
  LSTM,
  LSTMCell,
  RNN,
  hiddenGradientNorms,
  identityRecurrentInit_,
  orthogonalRecurrentInit_,
  recurrentJacobians,
  recurrentStep,
  stepJacobian,
} from '@webgrad/layers-recurrent';

const f64 = { dtype: 'float64' as const };

describe('stepJacobian: the exact ∂s′/∂s of one step', () => {
  it('for a tanh RNN is diag(1 − h′²)·W_hh', async () => {
    manualSeed(1);
    const rnn = new RNN(3, 5, f64);
    const w = rnn.weights(0);
    const gi = randn([5], f64);
    const h = randn([5], f64);
    const J = await stepJacobian('RNN_TANH', w, gi, { h, c: null });
    const h1 = recurrentStep('RNN_TANH', w, gi.reshape([1, 5]), { h: h.reshape([1, 5]), c: null }).h.dataSync();
    const W = w.weightHh.dataSync();
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(J[i * 5 + j]).toBeCloseTo((1 - h1[i]! ** 2) * W[i * 5 + j]!, 12);
  });

  for (const mode of ['LSTM', 'GRU'] as const) {
    it(`for ${mode} equals autograd's jacobian of s ↦ s′ (s = ${mode === 'LSTM' ? '[h; c]' : 'h'})`, async () => {
      manualSeed(2);
      const H = 4;
      const layer = mode === 'LSTM' ? new LSTM(3, H, f64) : new GRU(3, H, f64);
      const w = layer.weights(0);
      const G = (mode === 'LSTM' ? 4 : 3) * H;
      const gi = randn([G], f64);
      const s = randn([mode === 'LSTM' ? 2 * H : H], f64);
      const step = (v: Tensor): Tensor => {
        const st = recurrentStep(mode, w, gi.reshape([1, G]), { h: narrow(v, 0, 0, H).reshape([1, H]), c: mode === 'LSTM' ? narrow(v, 0, H, H).reshape([1, H]) : null });
        return (st.c ? concat([st.h, st.c], 1) : st.h).reshape([s.size]);
      };
      const expected = jacobian(step, s).dataSync();
      const J = await stepJacobian(mode, w, gi, { h: narrow(s, 0, 0, H), c: mode === 'LSTM' ? narrow(s, 0, H, H) : null });
      expect(J.length).toBe(s.size * s.size);
      J.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 12));
    });
  }
});

describe('gradient flow through time', () => {
  it('‖∂L/∂h_t‖ obeys the chain rule ∂L/∂h_{t−1} = J_tᵀ·∂L/∂h_t (loss on the last state only)', async () => {
    manualSeed(3);
    const T = 7;
    const rnn = new RNN(2, 4, f64);
    const x = randn([T, 1, 2], f64);
    const r = randn([1, 4], f64);
    const { norms } = await hiddenGradientNorms(rnn, x, (run) => sum(mul(select(run.output, 0, T - 1), r)));
    const { matrices } = await recurrentJacobians(rnn, x, { keepMatrices: true });
    let g = Array.from(r.dataSync());
    for (let t = T - 1; t >= 0; t--) {
      expect(norms[0]![0]![t]).toBeCloseTo(Math.hypot(...g), 12);
      const J = matrices![t]!;
      g = g.map((_, j) => g.reduce((acc, gi, i) => acc + gi * J[i * 4 + j]!, 0));
    }
  });

  it('a contracting recurrence (‖W_hh‖ = 0.5, tanh) makes gradients vanish geometrically', async () => {
    manualSeed(4);
    const T = 12;
    const rnn = orthogonalRecurrentInit_(new RNN(3, 6, f64), { gain: 0.5 });
    const x = randn([T, 1, 3], f64);
    const { spectralNorm, productNorm } = await recurrentJacobians(rnn, x);
    for (const s of spectralNorm) expect(s).toBeLessThanOrEqual(0.5 + 1e-12);
    for (let k = 0; k < T; k++) expect(productNorm[k]).toBeLessThanOrEqual(0.5 ** (T - k) + 1e-12);
    const { norms } = await hiddenGradientNorms(rnn, x, (run) => select(run.output, 0, T - 1).sum());
    expect(norms[0]![0]![0]! / norms[0]![0]![T - 1]!).toBeLessThan(0.5 ** (T - 1) + 1e-12);
  });

  it('an identity-initialised ReLU RNN (IRNN) passes gradients back unchanged: J = I on active units', async () => {
    manualSeed(5);
    const T = 20;
    const irnn = identityRecurrentInit_(new RNN(2, 5, { ...f64, nonlinearity: 'relu' }), { inputStd: 0 });
    const x = randn([T, 1, 2], f64);
    const h0 = full([1, 1, 5], 0.5, f64);
    const { spectralRadius, productNorm } = await recurrentJacobians(irnn, x, { h0 });
    for (const rho of spectralRadius) expect(rho).toBeCloseTo(1, 12);
    for (const p of productNorm) expect(p).toBeCloseTo(1, 12);
    const { norms } = await hiddenGradientNorms(irnn, x, (run) => select(run.output, 0, T - 1).sum(), { h0 });
    for (const n of norms[0]![0]!) expect(n).toBeCloseTo(Math.sqrt(5), 12);
  });

  it('an expanding recurrence (W_hh = 1.5·I, ReLU) makes gradients explode: ‖J_{T−1}⋯J_k‖ = 1.5^{T−k}', async () => {
    const T = 10;
    const rnn = identityRecurrentInit_(new RNN(2, 3, { ...f64, nonlinearity: 'relu' }), { scale: 1.5, inputStd: 0 });
    const x = randn([T, 1, 2], f64);
    const { productNorm } = await recurrentJacobians(rnn, x, { h0: full([1, 1, 3], 1, f64) });
    productNorm.forEach((p, k) => expect(p).toBeCloseTo(1.5 ** (T - k), 9));
  });

  it('covers every layer and direction of a stacked bidirectional LSTM', async () => {
    manualSeed(6);
    const T = 5;
    const lstm = new LSTM(3, 4, { ...f64, numLayers: 2, bidirectional: true, batchFirst: true });
    const x = randn([2, T, 3], f64);
    const { norms } = await hiddenGradientNorms(lstm, x, (run) => run.output.sum());
    expect(norms.length).toBe(2);
    for (const layer of norms) {
      expect(layer.length).toBe(2);
      for (const dir of layer) {
        expect(dir.length).toBe(T);
        for (const n of dir) expect(n).toBeGreaterThan(0);
      }
    }
    const rev = await recurrentJacobians(lstm, x, { layer: 1, direction: 1, sample: 1 });
    expect(rev.stateSize).toBe(8);
    expect(rev.spectralRadius.length).toBe(T);
    // a forget gate below 1 keeps ρ(J) bounded by the gates' saturation
    for (const rho of rev.spectralRadius) expect(rho).toBeLessThan(2);
  });

  it('the diagnostics free every tensor they create (a training loop can call them each step)', async () => {
    manualSeed(7);
    const lstm = new LSTM(3, 4, { numLayers: 2 });
    const x = randn([6, 2, 3]);
    const diagnose = async (): Promise<void> => {
      await hiddenGradientNorms(lstm, x, (run) => run.output.sum());
      await recurrentJacobians(lstm, x, { layer: 1 });
    };
    await diagnose(); // warms core-tensor's small cache of scalar operands
    const live = memory().numTensors;
    await diagnose();
    await diagnose();
    // ≤: the garbage collector may free unreferenced tensors of earlier code meanwhile, never add any
    expect(memory().numTensors).toBeLessThanOrEqual(live);
  });
});

describe('recurrent initialisation', () => {
  it('orthogonalRecurrentInit_ makes every gate block of W_hh orthogonal: W_gᵀW_g = gain²·I', () => {
    manualSeed(7);
    const cell = orthogonalRecurrentInit_(new LSTMCell(3, 5, f64), { gain: 2 });
    const W = cell.weight_hh;
    for (let g = 0; g < 4; g++) {
      const block = narrow(W, 0, g * 5, 5);
      const gram = block.T.matmul(block).dataSync();
      for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(gram[i * 5 + j]).toBeCloseTo(i === j ? 4 : 0, 12);
    }
  });

  it('identityRecurrentInit_ sets W_hh = scale·I and zero biases, and refuses gated layers', () => {
    const rnn = identityRecurrentInit_(new RNN(2, 3, { nonlinearity: 'relu', numLayers: 2 }), { scale: 0.9 });
    expect(rnn.weights(1).weightHh.arraySync()).toEqual(tensor([[0.9, 0, 0], [0, 0.9, 0], [0, 0, 0.9]]).arraySync());
    expect(rnn.weights(0).biasIh!.arraySync()).toEqual([0, 0, 0]);
    expect(() => identityRecurrentInit_(new GRU(2, 3))).toThrow(/identityRecurrentInit_: identity initialisation is for plain RNNs \(one gate block\), got GRU/);
  });
});
