import { describe, expect, it } from 'vitest';
import {
  arange,
  fromTypedArray,
  indexSelect,
  manualSeed,
  mean,
  mul,
  narrow,
  randperm,
  reshape,
  rand,
  randint,
  select,
  sin,
  square,
  sub,
  tanh,
  tidy,
  zeros,
  type Tensor,
} from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { Embedding, Linear, crossEntropy } from '@webgrad/nn';
import { Adam } from '@webgrad/optim';
import { runningSumSign } from '@webgrad/data';
import { GRU, RNN } from '@webgrad/layers-recurrent';
import { yieldToEventLoop } from './event-loop.js';

/** Mean of `pred == target` over all elements. */
const accuracy = (pred: Tensor, target: Tensor): number => pred.eq(target).cast('float32').mean().item();

describe('many-to-one: the sign of the running sum, from the state at each sequence’s last real step', { timeout: 300_000 }, () => {
  it('a GRU classifies variable-length sequences (5..20 steps) with ≥ 90% accuracy', async () => {
    manualSeed(70);
    const N = 1000;
    const T = 20;
    const data = runningSumSign({ numSequences: N, seqLen: T, seed: 0 });
    // each sequence has its own length; the label is the sign of the sum of its first `length` values
    const lengths = Int32Array.from({ length: N }, (_, i) => 5 + ((i * 7919) % 16));
    const labels = Int32Array.from(data.targets.arraySync() as number[][], (row, i) => row[lengths[i]! - 1]!);
    const y = fromTypedArray(labels, [N], { dtype: 'int32' });
    const gru = new GRU(1, 16, { batchFirst: true });
    const head = new Linear(16, 2);
    const opt = new Adam([...gru.parameters(), ...head.parameters()], { lr: 1e-2 });
    const logits = (idx: Tensor): Tensor => {
      const ls = Array.from(indexSelect(fromTypedArray(lengths, [N], { dtype: 'int32' }), 0, idx).dataSync());
      // hN is taken at each sequence's last real step (packed-sequence semantics)
      const [, hN] = gru.forward(indexSelect(data.inputs, 0, idx), null, { lengths: ls });
      return head.forward(select(hN, 0, 0));
    };
    for (let step = 0; step < 150; step++) {
      if (step % 10 === 0) await yieldToEventLoop();
      tidy(() => {
        const idx = narrow(randperm(800), 0, 0, 32);
        const loss = crossEntropy(logits(idx), indexSelect(y, 0, idx));
        opt.zeroGrad();
        loss.backward();
        opt.step();
      });
    }
    const test = arange(800, 1000, 1, { dtype: 'int32' });
    expect(noGrad(() => accuracy(logits(test).argmax(1), indexSelect(y, 0, test)))).toBeGreaterThanOrEqual(0.9);
  });
});

describe('one-to-many: generating a sequence from a vector, h₀ = tanh(W·v + b)', { timeout: 300_000 }, () => {
  it('an RNN started from h₀ = tanh(Linear(A, ω)) draws y_t = A·sin(ω·t) with no input', async () => {
    manualSeed(71);
    const T = 16;
    const enc = new Linear(2, 32);
    const rnn = new RNN(1, 32);
    const readout = new Linear(32, 1);
    const opt = new Adam([...enc.parameters(), ...rnn.parameters(), ...readout.parameters()], { lr: 1e-2 });
    const t = reshape(arange(1, T + 1), [T, 1]);
    const generate = (v: Tensor, B: number): Tensor => {
      const h0 = tanh(enc.forward(v)).reshape([1, B, 32]);
      const [out] = rnn.forward(zeros([T, B, 1]), h0);
      return reshape(readout.forward(out), [T, B]);
    };
    const draw = (B: number): { v: Tensor; y: Tensor } => {
      const A = rand([B]).mul(0.8).add(0.2);
      const w = rand([B]).mul(0.6).add(0.2);
      const v = reshape(A, [B, 1]).mul(tensorPair(1, 0)).add(reshape(w, [B, 1]).mul(tensorPair(0, 1)));
      return { v, y: mul(reshape(A, [1, B]), sin(mul(t, reshape(w, [1, B])))) };
    };
    for (let step = 0; step < 300; step++) {
      if (step % 10 === 0) await yieldToEventLoop();
      tidy(() => {
        const { v, y } = draw(32);
        const loss = mean(square(sub(generate(v, 32), y)));
        opt.zeroGrad();
        loss.backward();
        opt.step();
      });
    }
    const { v, y } = draw(200);
    const mse = noGrad(() => mean(square(sub(generate(v, 200), y))).item());
    // predicting 0 everywhere scores E[A²·sin²] ≈ 0.2; the generator must be far better
    const baseline = mean(square(y)).item();
    expect(mse).toBeLessThan(baseline / 10);
  });
});

function tensorPair(a: number, b: number): Tensor {
  return fromTypedArray(Float32Array.of(a, b), [1, 2]);
}

describe('many-to-many (aligned): tagging every step', { timeout: 300_000 }, () => {
  it('“is x_t larger than x_{t+1}?” needs the future: a bidirectional GRU tags ≥ 95% correctly, a forward-only one cannot beat ~70%', async () => {
    manualSeed(72);
    const N = 600;
    const T = 12;
    const x = randint(0, 10, [N, T]);
    const digits = x.dataSync();
    const tags = new Int32Array(N * T);
    for (let n = 0; n < N; n++) for (let s = 0; s < T - 1; s++) tags[n * T + s] = digits[n * T + s]! > digits[n * T + s + 1]! ? 1 : 0;
    const y = fromTypedArray(tags, [N, T], { dtype: 'int32' });
    const train = async (bidirectional: boolean): Promise<number> => {
      const emb = new Embedding(10, 8);
      const gru = new GRU(8, 24, { batchFirst: true, bidirectional });
      const head = new Linear(bidirectional ? 48 : 24, 2);
      const opt = new Adam([...emb.parameters(), ...gru.parameters(), ...head.parameters()], { lr: 1e-2 });
      // the last step has no successor: it is not scored
      const logits = (idx: Tensor): Tensor => narrow(head.forward(gru.forward(emb.forward(indexSelect(x, 0, idx)))[0]), 1, 0, T - 1);
      for (let step = 0; step < 150; step++) {
        if (step % 10 === 0) await yieldToEventLoop();
        tidy(() => {
          const idx = narrow(randperm(500), 0, 0, 32);
          const loss = crossEntropy(reshape(logits(idx), [-1, 2]), reshape(narrow(indexSelect(y, 0, idx), 1, 0, T - 1), [-1]));
          opt.zeroGrad();
          loss.backward();
          opt.step();
        });
      }
      const test = arange(500, N, 1, { dtype: 'int32' });
      return noGrad(() => accuracy(logits(test).argmax(2), narrow(indexSelect(y, 0, test), 1, 0, T - 1)));
    };
    expect(await train(true)).toBeGreaterThanOrEqual(0.95);
    expect(await train(false)).toBeLessThan(0.8);
  });
});
