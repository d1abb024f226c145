import { describe, expect, it } from 'vitest';
import { gather, logSoftmax, manualSeed, reshape, tensor } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { Adam } from '@webgrad/optim';
import { CharTokenizer, lmStreamBatches } from '@webgrad/data';
import { CharGRU, CharLSTM, sampleToken, samplingDistribution, type CharLMState } from '@webgrad/layers-recurrent';
import { yieldToEventLoop } from './event-loop.js';

describe('sampling the next token', () => {
  const logits = [2, 1, 0, -1];
  const softmax = (v: number[]): number[] => {
    const e = v.map(Math.exp);
    const z = e.reduce((s, x) => s + x, 0);
    return e.map((x) => x / z);
  };

  it('temperature τ samples from softmax(logits/τ); τ = 0 is greedy', () => {
    expect(Array.from(samplingDistribution(logits))).toEqual(softmax(logits).map((p) => expect.closeTo(p, 12)));
    expect(Array.from(samplingDistribution(logits, { temperature: 0.5 }))).toEqual(softmax(logits.map((l) => l / 0.5)).map((p) => expect.closeTo(p, 12)));
    expect(Array.from(samplingDistribution(logits, { temperature: 0 }))).toEqual([1, 0, 0, 0]);
  });

  it('top-k keeps the k most likely tokens, renormalised', () => {
    const p = softmax([2, 1]);
    expect(Array.from(samplingDistribution(logits, { topK: 2 }))).toEqual([expect.closeTo(p[0]!, 12), expect.closeTo(p[1]!, 12), 0, 0]);
  });

  it('top-p keeps the smallest set of most likely tokens with mass ≥ p', () => {
    const full = softmax(logits); // ≈ [0.644, 0.237, 0.087, 0.032]
    const kept = full[0]! + full[1]! + full[2]!;
    expect(Array.from(samplingDistribution(logits, { topP: 0.9 }))).toEqual([...full.slice(0, 3).map((v) => expect.closeTo(v / kept, 12)), 0]);
    expect(Array.from(samplingDistribution(logits, { topP: 0.5 }))).toEqual([1, 0, 0, 0]);
  });

  it('draws by inverse CDF from a uniform u', () => {
    const p = softmax(logits);
    expect(sampleToken(logits, 0)).toBe(0);
    expect(sampleToken(logits, p[0]! + 1e-9)).toBe(1);
    expect(sampleToken(logits, 0.999999)).toBe(3);
    expect(sampleToken(logits, 0.999999, { topK: 2 })).toBe(1);
    expect(() => samplingDistribution(logits, { topP: 0 })).toThrow(/sampling: topP must be in \(0, 1\], got 0/);
  });
});

const text = 'the cat sat on the mat. the dog sat on the log. '.repeat(20);

describe('character language models', () => {
  it('the loss is the mean of −log P(x_{t+1} | x_≤t) over every position (nats per token)', () => {
    manualSeed(50);
    const model = new CharGRU({ vocabSize: 7, hiddenSize: 8, numLayers: 1 });
    const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' });
    const y = tensor([[2, 3, 4], [5, 6, 0]], { dtype: 'int32' });
    noGrad(() => {
      const { loss } = model.loss(x, y);
      const logp = logSoftmax(model.forward(x).logits, -1);
      const picked = gather(reshape(logp, [6, 7]), 1, reshape(y, [6, 1]));
      expect(loss.item()).toBeCloseTo(-picked.mean().item(), 6);
    });
  });

  it('CharLSTM learns a small text by stateful truncated BPTT, and evaluate reports loss, perplexity = e^loss and bits', async () => {
    manualSeed(51);
    const tok = CharTokenizer.fromText(text);
    const ids = tok.encode(text);
    const model = new CharLSTM({ vocabSize: tok.tokens.length, hiddenSize: 48, numLayers: 1, embedDim: 16 });
    const before = await model.evaluate(ids, { seqLen: 32, batchSize: 4 });
    expect(before.loss).toBeGreaterThan(Math.log(tok.tokens.length) - 0.5);
    const opt = new Adam(model.parameters(), { lr: 0.02 });
    for (let epoch = 0; epoch < 6; epoch++) {
      let state: CharLMState | null = null;
      await yieldToEventLoop();
      for (const { inputs, targets } of lmStreamBatches(ids, { seqLen: 24, batchSize: 4 })) {
        ({ state } = await model.trainStep(inputs, targets, opt, { state, maxGradNorm: 1 }));
      }
    }
    const after = await model.evaluate(ids, { seqLen: 32, batchSize: 4 });
    // the text is nearly deterministic given a few characters of context
    expect(after.loss).toBeLessThan(0.3);
    expect(after.perplexity).toBeCloseTo(Math.exp(after.loss), 10);
    expect(after.bitsPerToken).toBeCloseTo(after.loss / Math.LN2, 10);
    // greedy generation continues the text
    const prompt = tok.encode('the cat sat on the mat.');
    const greedy = tok.decode(await model.generate({ prompt, length: 15, temperature: 0 }));
    expect(greedy).toBe(' the dog sat on');
    // seeded sampling is reproducible, and top-k = 1 is greedy
    const a = await model.generate({ prompt, length: 30, temperature: 1.5, seed: 7 });
    expect(await model.generate({ prompt, length: 30, temperature: 1.5, seed: 7 })).toEqual(a);
    expect(await model.generate({ prompt, length: 30, temperature: 1.5, seed: 8 })).not.toEqual(a);
    expect(tok.decode(await model.generate({ prompt, length: 15, topK: 1, seed: 3 }))).toBe(greedy);
    expect(model.training).toBe(true);
  });

  it('rejects float tokens and an empty prompt by name', async () => {
    const model = new CharGRU({ vocabSize: 5, hiddenSize: 4, numLayers: 1 });
    expect(() => model.forward(tensor([[1, 2]]))).toThrow(/CharGRU: expected int32 token ids, got float32/);
    await expect(model.generate({ prompt: [], length: 3 })).rejects.toThrow(/generate: the prompt needs at least one token/);
    expect(model.toString()).toContain('CharGRU(\n  vocab_size=5, embed_dim=4, hidden_size=4, num_layers=1');
  });
});
