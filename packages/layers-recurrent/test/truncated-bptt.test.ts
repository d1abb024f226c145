import { describe, expect, it } from 'vitest';
import { concat, manualSeed, mul, narrow, randn, select, sum, tensor, type Tensor } from '@webgrad/core-tensor';
import { gradients } from '@webgrad/autograd';
import { LSTM, RNN, TruncatedBPTT, detachState, tbpttWindows, type LSTMState } from '@webgrad/layers-recurrent';
import { expectClose } from './expect-close.js';

const f64 = { dtype: 'float64' as const };

describe('tbpttWindows', () => {
  it('with k2 = k1 detaches every k1 steps', () => {
    expect(tbpttWindows(10, { k1: 4 }).map((w) => [w.start, w.lossStart, w.end, w.carryAt])).toEqual([
      [0, 0, 4, 4],
      [4, 4, 8, 8],
      [8, 8, 10, 10],
    ]);
  });

  it('with k2 > k1 counts k1 new steps per window and runs from k2 steps back, each window starting where the last carried', () => {
    const ws = tbpttWindows(9, { k1: 2, k2: 5 });
    expect(ws.map((w) => [w.start, w.lossStart, w.end])).toEqual([
      [0, 0, 2],
      [0, 2, 4],
      [1, 4, 6],
      [3, 6, 8],
      [5, 8, 9],
    ]);
    for (let j = 1; j < ws.length; j++) expect(ws[j]!.start).toBe(ws[j - 1]!.carryAt);
  });

  it('rejects k2 < k1 by name', () => {
    expect(() => tbpttWindows(5, { k1: 3, k2: 2 })).toThrow(/TruncatedBPTT: k2 must be an integer ≥ k1 = 3, got 2/);
  });
});

/** One window of an RNN over a stream x [N, 1, I]: loss Σ r_t·h_t over [lossStart, end), carry = h after carryAt − 1. */
function rnnSegment(rnn: RNN, x: Tensor, r: Tensor) {
  return (w: { start: number; lossStart: number; end: number; carryAt: number }, state: Tensor | null) => {
    const run = rnn.run(narrow(x, 0, w.start, w.end - w.start), state, null, undefined, { keepStates: true });
    const loss = sum(mul(narrow(run.output, 0, w.lossStart - w.start, w.end - w.lossStart), narrow(r, 0, w.lossStart, w.end - w.lossStart)));
    const i = w.carryAt - w.start - 1;
    return { loss, carry: i < 0 ? (state ?? rnn.run(narrow(x, 0, 0, 1)).h.mul(0)) : run.states![0]![0]![i]!.h.reshape([1, 1, 4]) };
  };
}

describe('TruncatedBPTT', () => {
  it('the gradient of each window reaches back exactly k2 steps and no further', () => {
    manualSeed(30);
    const N = 13;
    const rnn = new RNN(2, 4, f64);
    const x = randn([N, 1, 2], f64).requiresGrad_();
    const r = randn([N, 1, 4], f64);
    const tbptt = new TruncatedBPTT<Tensor>({ k1: 3, k2: 5 });
    const reached: number[][] = [];
    tbptt.run(N, rnnSegment(rnn, x, r), (loss) => {
      const [g] = gradients(loss, [x], { retainGraph: true });
      const rows = g!.arraySync() as number[][][];
      reached.push(rows.map((row, t) => (row[0]!.some((v) => v !== 0) ? t : -1)).filter((t) => t >= 0));
    });
    const windows = tbpttWindows(N, { k1: 3, k2: 5 });
    windows.forEach((w, j) => expect(reached[j]).toEqual(Array.from({ length: w.end - w.start }, (_, k) => w.start + k)));
    expect(windows.map((w) => w.end - w.start)).toEqual([3, 5, 5, 5, 3]);
  });

  it('carries the state across windows: the carried state is the untruncated forward state', () => {
    manualSeed(31);
    const N = 12;
    const rnn = new RNN(2, 4, f64);
    const x = randn([N, 1, 2], f64);
    const r = randn([N, 1, 4], f64);
    const tbptt = new TruncatedBPTT<Tensor>({ k1: 4 });
    tbptt.run(N, rnnSegment(rnn, x, r), () => undefined);
    expectClose(tbptt.state!, rnn.run(x).h, 1e-12);
    // stateful across calls: a second chunk continues from where the first stopped
    const more = randn([8, 1, 2], f64);
    tbptt.run(8, rnnSegment(rnn, more, randn([8, 1, 4], f64)), () => undefined);
    expectClose(tbptt.state!, rnn.run(concat([x, more], 0)).h, 1e-12);
    tbptt.reset();
    expect(tbptt.state).toBeNull();
  });

  it('window gradients equal full backpropagation of the same loss from a detached start', () => {
    manualSeed(32);
    const lstm = new LSTM(2, 3, f64);
    const x = randn([8, 1, 2], f64);
    const tbptt = new TruncatedBPTT<LSTMState>({ k1: 4 });
    const grads: Tensor[] = [];
    tbptt.run(
      8,
      (w, state) => {
        const [out, hc] = lstm.forward(narrow(x, 0, w.start, w.end - w.start), state);
        return { loss: sum(mul(out, out)), carry: hc };
      },
      (loss) => grads.push(gradients(loss, [lstm.weights(0).weightHh])[0]!),
    );
    // window 1 by hand: run the first half without a graph, then backpropagate through the second half only
    const [, hc] = lstm.forward(narrow(x, 0, 0, 4));
    const [out] = lstm.forward(narrow(x, 0, 4, 4), detachState(hc));
    expectClose(grads[1]!, gradients(sum(mul(out, out)), [lstm.weights(0).weightHh])[0]!, 1e-12);
  });

  it('detachState cuts the graph of every tensor in a nested state and keeps the values', () => {
    const h = tensor([1, 2], { requiresGrad: true }).mul(2);
    const s = detachState({ pair: [h, null], h });
    expect((s.pair as Tensor[])[0]!.requiresGrad).toBe(false);
    expect((s.h as Tensor).arraySync()).toEqual([2, 4]);
    expect(select(h, 0, 0).requiresGrad).toBe(true);
  });
});
