import { describe, expect, it } from 'vitest';
import { concat, manualSeed, memory, narrow, randn, sum, tensor, tidy, zeros } from '@webgrad/core-tensor';
import { clipGradNorm } from '@webgrad/regularize';
import { GRU, LSTM, RNN, RNNCell, identityRecurrentInit_ } from '@webgrad/layers-recurrent';
import { expectClose } from './expect-close.js';

describe('variable-length batches', () => {
  it('padding changes nothing, outputs zeros and receives no gradient (lengths)', () => {
    manualSeed(20);
    const lstm = new LSTM(3, 4, { bidirectional: true, numLayers: 2 });
    const lengths = [5, 2, 4];
    const x = randn([5, 3, 3]).requiresGrad_();
    // the same batch with different garbage in the padding
    const noise = randn([5, 3, 3]);
    const padMask = tensor(Array.from({ length: 5 }, (_, t) => lengths.map((n) => [t >= n ? 1 : 0, t >= n ? 1 : 0, t >= n ? 1 : 0])));
    const x2 = x.detach().add(noise.mul(padMask));
    const [out, [h, c]] = lstm.forward(x, null, { lengths });
    const [out2, [h2, c2]] = lstm.forward(x2, null, { lengths });
    expectClose(out, out2, 0);
    expectClose(h, h2, 0);
    expectClose(c, c2, 0);
    const o = out.arraySync() as number[][][];
    for (let b = 0; b < 3; b++) for (let t = lengths[b]!; t < 5; t++) expect(o[t]![b]!.every((v) => v === 0)).toBe(true);
    sum(out).add(sum(h)).add(sum(c)).backward();
    const g = x.grad!.arraySync() as number[][][];
    for (let b = 0; b < 3; b++) for (let t = 0; t < 5; t++) expect(g[t]![b]!.some((v) => v !== 0)).toBe(t < lengths[b]!);
  });

  it('each sequence of a padded batch gets what it would get alone', () => {
    manualSeed(21);
    const gru = new GRU(2, 3, { bidirectional: true, batchFirst: true });
    const x = randn([2, 6, 2]);
    const [out, h] = gru.forward(x, null, { lengths: [6, 3] });
    const [alone, hAlone] = gru.forward(narrow(narrow(x, 0, 1, 1), 1, 0, 3));
    expectClose(narrow(narrow(out, 0, 1, 1), 1, 0, 3), alone, 1e-6);
    expectClose(narrow(h, 1, 1, 1), hAlone, 1e-6);
  });

  it('a boolean mask gives the same result as lengths, in either layout', () => {
    manualSeed(22);
    const rnn = new RNN(2, 3, { numLayers: 2 });
    const x = randn([4, 2, 2]);
    const mask = tensor([[true, true], [true, true], [true, false], [false, false]]);
    const byLengths = rnn.forward(x, null, { lengths: [3, 2] });
    const byMask = rnn.forward(x, null, { mask });
    expectClose(byMask[0], byLengths[0], 0);
    expectClose(byMask[1], byLengths[1], 0);
    const bf = new RNN(2, 3, { numLayers: 2, batchFirst: true });
    bf.loadStateDict(rnn.stateDict());
    const bfOut = bf.forward(x.transpose(0, 1), null, { mask: mask.transpose(0, 1) });
    expectClose(bfOut[0].transpose(0, 1), byLengths[0], 0);
  });

  it('a masked step in the middle is skipped: the state passes through it unchanged', () => {
    manualSeed(23);
    const lstm = new LSTM(2, 3);
    const x = randn([4, 1, 2]);
    const [out, [h]] = lstm.forward(x, null, { mask: tensor([[true], [false], [true], [true]]) });
    const [outSkip, [hSkip]] = lstm.forward(concat([narrow(x, 0, 0, 1), narrow(x, 0, 2, 2)], 0));
    expectClose(h, hSkip, 1e-6);
    expectClose(narrow(out, 0, 3, 1), narrow(outSkip, 0, 2, 1), 1e-6);
    expect((out.arraySync() as number[][][])[1]![0]).toEqual([0, 0, 0]);
  });

  it('rejects bad lengths and masks by name', () => {
    const gru = new GRU(2, 3);
    const x = zeros([4, 2, 2]);
    expect(() => gru.forward(x, null, { lengths: [4] })).toThrow(/GRU: lengths has 1 entries for a batch of 2/);
    expect(() => gru.forward(x, null, { lengths: [5, 1] })).toThrow(/GRU: lengths\[0\] = 5 must be an integer in \[1, 4\] \(the padded length\)/);
    expect(() => gru.forward(x, null, { mask: zeros([2, 4], { dtype: 'bool' }) })).toThrow(/GRU: mask must be \[4,2\] \(time, batch\), got \[2,4\]/);
    expect(() => gru.forward(x, null, { lengths: [1, 2], mask: zeros([4, 2], { dtype: 'bool' }) })).toThrow(/GRU: pass lengths or mask, not both/);
  });
});

describe('options', () => {
  it('dropout acts between layers in training mode only', () => {
    manualSeed(24);
    const lstm = new LSTM(3, 8, { numLayers: 2, dropout: 0.5 });
    const plain = new LSTM(3, 8, { numLayers: 2 });
    plain.loadStateDict(lstm.stateDict());
    const x = randn([5, 2, 3]);
    const a = lstm.forward(x)[0];
    const b = lstm.forward(x)[0];
    expect(a.sub(b).abs().max().item()).toBeGreaterThan(1e-3);
    lstm.eval();
    expectClose(lstm.forward(x)[0], plain.forward(x)[0], 0);
    // one layer: nothing to drop between
    const single = new GRU(3, 4, { dropout: 0.9 });
    expectClose(single.forward(x)[0], single.forward(x)[0], 0);
  });

  it('parameters have PyTorch names, order and shapes (LSTM with projection, bidirectional)', () => {
    const lstm = new LSTM(10, 20, { numLayers: 2, bidirectional: true, projSize: 5 });
    expect(lstm.namedParameters().map(([n, p]) => `${n} ${p.shape.join('x')}`)).toEqual([
      'weight_ih_l0 80x10', 'weight_hh_l0 80x5', 'bias_ih_l0 80', 'bias_hh_l0 80', 'weight_hr_l0 5x20',
      'weight_ih_l0_reverse 80x10', 'weight_hh_l0_reverse 80x5', 'bias_ih_l0_reverse 80', 'bias_hh_l0_reverse 80', 'weight_hr_l0_reverse 5x20',
      'weight_ih_l1 80x10', 'weight_hh_l1 80x5', 'bias_ih_l1 80', 'bias_hh_l1 80', 'weight_hr_l1 5x20',
      'weight_ih_l1_reverse 80x10', 'weight_hh_l1_reverse 80x5', 'bias_ih_l1_reverse 80', 'bias_hh_l1_reverse 80', 'weight_hr_l1_reverse 5x20',
    ]);
    const [out, [h, c]] = lstm.forward(zeros([7, 3, 10]));
    expect([out.shape, h.shape, c.shape]).toEqual([[7, 3, 10], [4, 3, 5], [4, 3, 20]]);
  });

  it('initialises every parameter U(−1/√H, 1/√H)', () => {
    manualSeed(25);
    const gru = new GRU(30, 16, { numLayers: 2 });
    for (const p of gru.parameters()) {
      const v = p.dataSync();
      expect(Math.max(...v)).toBeLessThanOrEqual(0.25);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(-0.25);
    }
    // U(−a, a) has variance a²/3
    const all = gru.parameters().flatMap((p) => Array.from(p.dataSync()));
    const variance = all.reduce((s, v) => s + v * v, 0) / all.length;
    expect(variance).toBeCloseTo(0.0625 / 3, 3);
  });

  it('prints like PyTorch', () => {
    expect(new LSTM(10, 20, { numLayers: 2, batchFirst: true, bidirectional: true }).toString()).toBe('LSTM(10, 20, num_layers=2, batch_first=True, bidirectional=True)');
    expect(new GRU(4, 8, { bias: false, dropout: 0.25, numLayers: 3 }).toString()).toBe('GRU(4, 8, num_layers=3, bias=False, dropout=0.25)');
    expect(new LSTM(4, 8, { projSize: 2 }).toString()).toBe('LSTM(4, 8, proj_size=2)');
    expect(new RNNCell(3, 5, { nonlinearity: 'relu' }).toString()).toBe("RNNCell(3, 5, nonlinearity='relu')");
  });

  it('rejects wrong inputs and states with the op, the shapes and what was expected', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2 });
    expect(() => lstm.forward(zeros([5, 2, 6]))).toThrow(/LSTM: input has 6 features per step, expected inputSize = 3 \(input \[5,2,6\]\)/);
    expect(() => lstm.forward(zeros([5, 2, 3]), [zeros([1, 2, 4]), zeros([2, 2, 4])])).toThrow(/LSTM: expected h0 of shape \[2,2,4\] \(\[L·D, B, P\]\), got \[1,2,4\]/);
    expect(() => lstm.forward(zeros([5, 3]).reshape([5, 1, 1, 3]))).toThrow(/LSTM: expected input of rank 2 \(unbatched\) or 3, got \[5,1,1,3\]/);
    expect(() => lstm.forward(zeros([5, 2, 3], { dtype: 'float64' }))).toThrow(/LSTM: input is float64 but the parameters are float32/);
    expect(() => new GRU(3, 4, { projSize: 2 } as never)).toThrow(/GRU: projSize is supported by LSTM only/);
    expect(() => new LSTM(3, 4, { projSize: 4 })).toThrow(/LSTM: projSize \(4\) must be smaller than hiddenSize \(4\)/);
    expect(() => new RNN(3, 0)).toThrow(/RNN: hiddenSize must be a positive integer, got 0/);
    expect(() => new RNN(3, 4, { dropout: 1.5 })).toThrow(/RNN: dropout must be a probability in \[0, 1\], got 1.5/);
    expect(() => new RNNCell(3, 4).forward(zeros([2, 4]))).toThrow(/RNNCell: expected input of \[B, 3\] or \[3\], got \[2,4\]/);
  });
});

describe('memory', () => {
  it('a training step inside tidy leaves no tensors behind', () => {
    manualSeed(26);
    const lstm = new LSTM(3, 8, { numLayers: 2, bidirectional: true });
    const x = randn([6, 4, 3]);
    const step = (): void =>
      tidy(() => {
        const [out, [h, c]] = lstm.forward(x, null, { lengths: [6, 5, 2, 1] });
        sum(out.mul(out)).add(sum(h)).add(sum(c)).backward();
      });
    step();
    lstm.zeroGrad();
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) {
      step();
      lstm.zeroGrad();
    }
    expect(memory().numTensors).toBe(before);
  });
});

describe('gradient clipping', () => {
  it('clipGradNorm from @webgrad/regularize rescales an exploding RNN gradient to the given global norm', () => {
    manualSeed(27);
    const rnn = identityRecurrentInit_(new RNN(2, 8, { nonlinearity: 'relu' }), { scale: 1.3, inputStd: 0.5 });
    const x = randn([30, 4, 2]).abs();
    sum(rnn.forward(x)[0]).backward();
    const globalNorm = (): number => Math.sqrt(rnn.parameters().reduce((s, p) => s + p.grad!.square().sum().item(), 0));
    const before = globalNorm();
    // 1.3^30 ≈ 2600: the gradient explodes
    expect(before).toBeGreaterThan(1e3);
    const reported = clipGradNorm(rnn.parameters(), 5).item();
    expect(reported).toBeCloseTo(before, -1);
    expect(globalNorm()).toBeCloseTo(5, 3);
  });
});
