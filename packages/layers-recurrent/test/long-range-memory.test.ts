import { describe, expect, it } from 'vitest';
import { indexSelect, manualSeed, mean, narrow, randperm, reshape, select, square, sub, tidy, type Tensor } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { Embedding, Linear, crossEntropy } from '@webgrad/nn';
import { Adam } from '@webgrad/optim';
import { addingProblem, copyTask } from '@webgrad/data';
import { GRU, RNN, type RNNBase } from '@webgrad/layers-recurrent';
import { yieldToEventLoop } from './event-loop.js';

/** Trains with Adam (lr 1e-2, batches of 50 of the 2000 training sequences) for `steps` steps and returns the held-out score. */
async function train(steps: number, parameters: () => Tensor[], loss: (idx: Tensor) => Tensor, score: () => number): Promise<number> {
  const opt = new Adam(parameters(), { lr: 1e-2 });
  for (let step = 0; step < steps; step++) {
    if (step % 10 === 0) await yieldToEventLoop();
    tidy(() => {
      const l = loss(narrow(randperm(2000), 0, 0, 50));
      opt.zeroGrad();
      l.backward();
      opt.step();
    });
  }
  return noGrad(score);
}

describe('long-range memory: what gating buys, side by side with the same budget', { timeout: 300_000 }, () => {
  it('the adding problem over 40 steps: a GRU solves it, a plain tanh RNN stays at the baseline MSE 1/6', async () => {
    const T = 40;
    const trainSet = addingProblem({ numSequences: 2000, seqLen: T, seed: 0 });
    const test = addingProblem({ numSequences: 500, seqLen: T, seed: 1 });
    const testMse = (layer: RNNBase): Promise<number> => {
      manualSeed(80);
      const head = new Linear(32, 1);
      const predict = (x: Tensor): Tensor => head.forward(select(layer.run(x).output, 1, T - 1));
      return train(
        200,
        () => [...layer.parameters(), ...head.parameters()],
        (idx) => mean(square(sub(predict(indexSelect(trainSet.inputs, 0, idx)), indexSelect(trainSet.targets, 0, idx)))),
        () => mean(square(sub(predict(test.inputs), test.targets))).item(),
      );
    };
    manualSeed(81);
    const gru = await testMse(new GRU(2, 32, { batchFirst: true }));
    manualSeed(81);
    const rnn = await testMse(new RNN(2, 32, { batchFirst: true }));
    expect(gru).toBeLessThan(0.03);
    expect(rnn).toBeGreaterThan(0.12);
  });

  it('the copy task (3 of 4 symbols, recalled after 10 blanks): a GRU recalls them, a plain RNN guesses (25%)', async () => {
    const L = 3;
    const delay = 10;
    const trainSet = copyTask({ numSequences: 2000, length: L, delay, numSymbols: 4, seed: 0 });
    const test = copyTask({ numSequences: 500, length: L, delay, numSymbols: 4, seed: 1 });
    const V = trainSet.vocabSize;
    const recall = (layer: RNNBase): Promise<number> => {
      manualSeed(82);
      const emb = new Embedding(V, 16);
      const head = new Linear(64, V);
      const logits = (x: Tensor): Tensor => head.forward(layer.run(emb.forward(x)).output);
      return train(
        200,
        () => [...emb.parameters(), ...layer.parameters(), ...head.parameters()],
        (idx) => crossEntropy(reshape(logits(indexSelect(trainSet.inputs, 0, idx)), [-1, V]), reshape(indexSelect(trainSet.targets, 0, idx), [-1])),
        () => {
          // the L recalled symbols after the delimiter
          const pred = narrow(logits(test.inputs).argmax(2), 1, delay + L, L);
          return pred.eq(narrow(test.targets, 1, delay + L, L)).cast('float32').mean().item();
        },
      );
    };
    manualSeed(83);
    const gru = await recall(new GRU(16, 64, { batchFirst: true }));
    manualSeed(83);
    const rnn = await recall(new RNN(16, 64, { batchFirst: true }));
    expect(gru).toBeGreaterThanOrEqual(0.9);
    expect(rnn).toBeLessThan(0.4);
  });
});
