import { describe, expect, it } from 'vitest';
import { Generator, indexSelect, manualSeed, narrow, randperm, reshape, select, tensor, tidy, type Tensor } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { crossEntropy } from '@webgrad/nn';
import { Adam } from '@webgrad/optim';
import { DIGIT_SEQ_VOCAB, digitSeq2Seq } from '@webgrad/data';
import { BahdanauAttention, LuongAttention, Seq2Seq, type Seq2SeqAttention } from '@webgrad/layers-recurrent';
import { yieldToEventLoop } from './event-loop.js';
import { expectClose } from './expect-close.js';

const { pad, bos, eos, size: V } = DIGIT_SEQ_VOCAB;
const MAX_LEN = 6;

/** The digits of a source row (before EOS). */
function digitsOf(row: number[]): number[] {
  return row.slice(0, row.indexOf(eos));
}

async function exactMatch(model: Seq2Seq, data: ReturnType<typeof digitSeq2Seq>): Promise<number> {
  const { tokens } = await model.greedyDecode(data.source, { bos, eos, maxLength: MAX_LEN + 2, srcLengths: data.sourceLengths });
  const rows = data.source.arraySync() as number[][];
  return tokens.filter((t, i) => t.join() === digitsOf(rows[i]!).reverse().join()).length / tokens.length;
}

/** Reversal of digit strings of length 3..6: trains with Adam and returns held-out greedy exact-match accuracy. */
async function trainReversal(attention: Seq2SeqAttention, steps: number, teacherForcingRatio = 1): Promise<{ model: Seq2Seq; accuracy: number; test: ReturnType<typeof digitSeq2Seq> }> {
  manualSeed(40);
  const train = digitSeq2Seq({ numSequences: 2000, task: 'reverse', minLength: 3, maxLength: MAX_LEN, seed: 0 });
  const test = digitSeq2Seq({ numSequences: 200, task: 'reverse', minLength: 3, maxLength: MAX_LEN, seed: 1 });
  const model = new Seq2Seq({ srcVocab: V, tgtVocab: V, embedDim: 16, hiddenSize: 32, attention, padIndex: pad });
  const opt = new Adam(model.parameters(), { lr: 1e-2 });
  const gen = new Generator();
  gen.manualSeed(1);
  for (let step = 0; step < steps; step++) {
    if (step % 10 === 0) await yieldToEventLoop();
    tidy(() => {
      const idx = narrow(randperm(2000), 0, 0, 32);
      const src = indexSelect(train.source, 0, idx);
      const tgt = indexSelect(train.target, 0, idx);
      const T = tgt.shape[1]! - 1;
      const { logits } = model.forward(src, narrow(tgt, 1, 0, T), { srcLengths: indexSelect(train.sourceLengths, 0, idx), teacherForcingRatio, generator: gen });
      const loss = crossEntropy(reshape(logits, [-1, V]), reshape(narrow(tgt, 1, 1, T), [-1]), { ignoreIndex: pad });
      opt.zeroGrad();
      loss.backward();
      opt.step();
    });
  }
  return { model, accuracy: await exactMatch(model, test), test };
}

describe('seq2seq with attention learns to reverse digit strings', { timeout: 300_000 }, () => {
  it('Bahdanau (additive) attention: ≥ 90% exact match on held-out strings; beam search finds the reversal', async () => {
    const { model, accuracy, test } = await trainReversal('bahdanau', 150);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    const rows = test.source.arraySync() as number[][];
    for (let i = 0; i < 5; i++) {
      const hyps = await model.beamSearch(select(test.source, 0, i), { bos, eos, beamWidth: 4, maxLength: MAX_LEN + 2 });
      expect(hyps[0]!.tokens).toEqual(digitsOf(rows[i]!).reverse());
      expect(hyps[0]!.finished).toBe(true);
      // ranked by log P / length, best first, each a distinct sequence
      for (let k = 1; k < hyps.length; k++) expect(hyps[k]!.score).toBeLessThanOrEqual(hyps[k - 1]!.score);
      expect(new Set(hyps.map((h) => h.tokens.join())).size).toBe(hyps.length);
    }
    // the attention of a reversal looks at the mirrored source position
    const { attention } = await model.greedyDecode(select(test.source, 0, 0).reshape([1, -1]), { bos, eos, maxLength: MAX_LEN + 2 });
    const n = digitsOf(rows[0]!).length;
    for (let t = 0; t < n; t++) {
      const row = attention![0]![t]!;
      expect(row.indexOf(Math.max(...row))).toBe(n - 1 - t);
    }
  });

  it('Luong (multiplicative) attention with input feeding, trained with teacher forcing ratio 0.75: ≥ 90%, and beam search finds the reversal', async () => {
    const { model, accuracy, test } = await trainReversal('luong', 150, 0.75);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    const rows = test.source.arraySync() as number[][];
    for (let i = 0; i < 5; i++) {
      const [best] = await model.beamSearch(select(test.source, 0, i), { bos, eos, beamWidth: 4, maxLength: MAX_LEN + 2 });
      expect(best!.tokens).toEqual(digitsOf(rows[i]!).reverse());
      expect(best!.finished).toBe(true);
    }
  });
});

describe('seq2seq mechanics', () => {
  const data = digitSeq2Seq({ numSequences: 4, task: 'reverse', minLength: 2, maxLength: 4, seed: 3 });
  const tgtIn = narrow(data.target, 1, 0, 5);

  it('teacher forcing ratio 0 feeds back the model’s own predictions: the given target after BOS is ignored', () => {
    manualSeed(41);
    const model = new Seq2Seq({ srcVocab: V, tgtVocab: V, embedDim: 8, hiddenSize: 8, padIndex: pad });
    const scrambled = tensor(
      (tgtIn.arraySync() as number[][]).map((r) => r.map((v, t) => (t === 0 ? v : (v + 3) % 10))),
      { dtype: 'int32' },
    );
    const a = noGrad(() => model.forward(data.source, tgtIn, { teacherForcingRatio: 0 }).logits);
    const b = noGrad(() => model.forward(data.source, scrambled, { teacherForcingRatio: 0 }).logits);
    expectClose(a, b, 0);
    const c = noGrad(() => model.forward(data.source, scrambled).logits);
    expect(a.sub(c).abs().max().item()).toBeGreaterThan(1e-4);
  });

  it('padding of the source gets no attention and does not change the encoding', () => {
    manualSeed(42);
    const model = new Seq2Seq({ srcVocab: V, tgtVocab: V, embedDim: 8, hiddenSize: 8, padIndex: pad });
    const lengths = data.sourceLengths.arraySync() as number[];
    const { attention, logits } = noGrad(() => model.forward(data.source, tgtIn, { srcLengths: lengths }));
    const att = attention!.arraySync() as number[][][];
    att.forEach((rows, b) => rows.forEach((row) => row.forEach((w, s) => (s >= lengths[b]! ? expect(w).toBe(0) : expect(w).toBeGreaterThan(0)))));
    // sentence 0 decoded alone, without padding, gives the same logits
    const n = lengths[0]!;
    const alone = noGrad(() => model.forward(narrow(narrow(data.source, 0, 0, 1), 1, 0, n), narrow(tgtIn, 0, 0, 1)).logits);
    expectClose(narrow(logits, 0, 0, 1), alone, 1e-5);
  });

  it('attention modules: weights are a distribution and the context is their average of the keys', () => {
    manualSeed(43);
    const keys = tensor([[[1, 0], [0, 1], [1, 1]]]);
    const query = tensor([[2, -1]]);
    const dot = new LuongAttention(2, 2, 'dot').forward(query, keys);
    // e = [2, -1, 1], α = softmax(e), c = Σ α_i h_i
    const e = [2, -1, 1].map(Math.exp);
    const z = e.reduce((s, v) => s + v, 0);
    expectClose(dot.weights, e.map((v) => v / z), 1e-6);
    expectClose(dot.context, [(e[0]! + e[2]!) / z, (e[1]! + e[2]!) / z], 1e-6);
    const add = new BahdanauAttention(2, 2, 4);
    const { weights } = add.forward(query, keys, tensor([[true, true, false]]));
    const w = weights.dataSync();
    expect(w[2]).toBe(0);
    expect(w[0]! + w[1]!).toBeCloseTo(1, 6);
    expect(() => new LuongAttention(4, 8, 'dot')).toThrow(/LuongAttention: the 'dot' score needs queryDim = keyDim, got 4 and 8 \(use 'general'\)/);
    expect(() => add.forward(query, tensor([[[1, 2, 3]]]))).toThrow(/BahdanauAttention: expected query \[B, 2\] and keys \[B, S, 2\], got query \[1,2\] and keys \[1,1,3\]/);
  });

  it('an LSTM encoder–decoder (cell states bridged too) decodes greedily and by beam search', async () => {
    manualSeed(44);
    for (const attention of ['bahdanau', 'luong', 'none'] as const) {
      const model = new Seq2Seq({ srcVocab: V, tgtVocab: V, embedDim: 6, hiddenSize: 6, cell: 'lstm', attention, padIndex: pad });
      expect(model.bridgeCell).not.toBeNull();
      const { logits } = noGrad(() => model.forward(data.source, tgtIn, { srcLengths: data.sourceLengths }));
      expect(logits.shape).toEqual([4, 5, V]);
      const { tokens } = await model.greedyDecode(data.source, { bos, eos, maxLength: 3, srcLengths: data.sourceLengths });
      expect(tokens.every((t) => t.length <= 3)).toBe(true);
      const hyps = await model.beamSearch(select(data.source, 0, 0), { bos, eos, beamWidth: 3, maxLength: 3 });
      expect(hyps.length).toBeGreaterThan(0);
      expect(hyps[0]!.logProb).toBeLessThan(0);
    }
  });

  it('rejects float token ids by name', () => {
    const model = new Seq2Seq({ srcVocab: V, tgtVocab: V, embedDim: 4, hiddenSize: 4 });
    expect(() => model.forward(data.source.cast('float32') as Tensor, tgtIn)).toThrow(/Seq2Seq.encode: expected src of int32 token ids, got float32/);
  });
});
