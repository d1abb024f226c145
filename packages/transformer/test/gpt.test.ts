import { describe, expect, it } from 'vitest';
import { ArgumentError, Generator, manualSeed, memory, randint, tensor, tidy } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { AdamW } from '@webgrad/optim';
import { GPT, KVCache, type GPTConfig } from '@webgrad/transformer';
import { expectMatches, fromSpec, readFixture, type TensorSpec } from './pytorch-fixture.js';

interface GptCase {
  name: string;
  config: GPTConfig;
  state: Record<string, TensorSpec>;
  idx: TensorSpec;
  targets: TensorSpec;
  logits: TensorSpec;
  loss: number;
  grads: Record<string, TensorSpec>;
}

const { gpt } = readFixture<{ gpt: GptCase[] }>('gpt');

describe('GPT equals nanoGPT (PyTorch) for the same weights', () => {
  for (const c of gpt) {
    it(c.name, () => {
      const model = new GPT(c.config);
      expect(Object.keys(model.stateDict())).toEqual(Object.keys(c.state));
      model.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, s]) => [k, fromSpec(s)])));
      expect(model.lm_head.weight).toBe(model.transformer.wte.weight); // tied: one parameter
      const { logits, loss } = model.forward(fromSpec(c.idx), { targets: fromSpec(c.targets) });
      expectMatches(logits, c.logits, 'logits');
      expect(loss!.item()).toBeCloseTo(c.loss, 5);
      loss!.backward();
      const params = Object.fromEntries(model.namedParameters());
      expect(Object.keys(params)).toEqual(Object.keys(c.grads));
      for (const [name, g] of Object.entries(c.grads)) expectMatches(params[name]!.grad, g, `∂loss/∂${name}`);
    });
  }
});

const small: GPTConfig = { vocabSize: 13, blockSize: 12, nLayer: 2, nHead: 2, nEmbd: 16 };

describe('causality: a position never sees the future', () => {
  for (const positional of ['learned', 'rotary'] as const) {
    it(`changing tokens after position t leaves the logits at positions ≤ t unchanged (${positional} positions)`, () => {
      manualSeed(21);
      const model = new GPT({ ...small, positional }).eval();
      const a = [[3, 1, 4, 1, 5, 9, 2, 6, 5, 3]];
      const b = [[3, 1, 4, 1, 5, 0, 12, 7, 7, 7]]; // differs from position 5 on
      const la = noGrad(() => model.forward(tensor(a, { dtype: 'int32' })).logits).dataSync();
      const lb = noGrad(() => model.forward(tensor(b, { dtype: 'int32' })).logits).dataSync();
      const V = small.vocabSize;
      expect(Array.from(lb.subarray(0, 5 * V))).toEqual(Array.from(la.subarray(0, 5 * V)));
      // and the changed tokens do move the later positions
      expect(Array.from(lb.subarray(5 * V, 6 * V))).not.toEqual(Array.from(la.subarray(5 * V, 6 * V)));
    });
  }

  it('the gradient of the logits at position t with respect to the embeddings of later tokens and positions is exactly 0', () => {
    manualSeed(22);
    const model = new GPT({ ...small, tieWeights: false }); // untied: the output layer does not touch the token embedding
    const idx = tensor([[1, 2, 3, 4, 5, 6]], { dtype: 'int32' });
    model.forward(idx).logits.slice([null, [2, 3]]).sum().backward(); // logits at position 2 only
    const tokens = model.transformer.wte.weight.grad!.arraySync() as number[][];
    const positions = model.transformer.wpe!.weight.grad!.arraySync() as number[][];
    for (const t of [4, 5, 6]) expect(tokens[t]!.every((x) => x === 0), `token ${t} (after position 2)`).toBe(true);
    for (const p of [3, 4, 5]) expect(positions[p]!.every((x) => x === 0), `position ${p}`).toBe(true);
    for (const t of [1, 2, 3]) expect(tokens[t]!.some((x) => x !== 0), `token ${t}`).toBe(true);
  });
});

describe('KV cache', () => {
  for (const positional of ['learned', 'rotary'] as const) {
    it(`cached decoding gives the logits of full recomputation, position by position (${positional})`, () => {
      manualSeed(23);
      const model = new GPT({ ...small, positional }).eval();
      const seq = [[5, 3, 8, 1, 1, 0, 9, 12, 4]];
      const full = noGrad(() => model.forward(tensor(seq, { dtype: 'int32' })).logits).dataSync();
      const cache = new KVCache(small.nLayer);
      const V = small.vocabSize;
      // a prompt of 4 tokens in one chunk, a chunk of 2, then one token at a time
      const chunks = [seq[0]!.slice(0, 4), seq[0]!.slice(4, 6), [seq[0]![6]!], [seq[0]![7]!], [seq[0]![8]!]];
      let pos = 0;
      for (const chunk of chunks) {
        const logits = noGrad(() => model.forward(tensor([chunk], { dtype: 'int32' }), { cache }).logits).dataSync();
        expect(cache.length).toBe(pos + chunk.length);
        for (let i = 0; i < logits.length; i++) expect(Math.abs(logits[i]! - full[pos * V + i]!)).toBeLessThan(1e-5);
        pos += chunk.length;
      }
      cache.dispose();
    });
  }

  it('generation with the cache equals generation by full recomputation token for token (greedy and sampled, past the block size)', async () => {
    manualSeed(24);
    const model = new GPT(small).eval();
    const prompt = [
      [1, 2, 3],
      [7, 7, 0],
    ];
    const options = { maxNewTokens: 15, temperature: 0.9, topK: 8, topP: 0.95 }; // 3 + 15 > blockSize 12: the window slides
    const cached = await model.generate(prompt, { ...options, generator: new Generator(5) });
    const recomputed = await model.generate(prompt, { ...options, generator: new Generator(5), useCache: false });
    expect(cached).toEqual(recomputed);
    expect(cached[0]!.length).toBe(18);
    const greedy = await model.generate(prompt, { maxNewTokens: 12, temperature: 0 });
    expect(greedy).toEqual(await model.generate(prompt, { maxNewTokens: 12, temperature: 0, useCache: false }));
  });

  it('with the cache, each new token runs the model on one position only', async () => {
    manualSeed(25);
    const model = new GPT(small).eval();
    const seen: number[] = [];
    const forward = model.forward.bind(model);
    model.forward = (idx, options) => {
      seen.push(idx.shape[1]!);
      return forward(idx, options);
    };
    await model.generate([[1, 2, 3, 4]], { maxNewTokens: 5 });
    expect(seen).toEqual([4, 1, 1, 1, 1]);
    seen.length = 0;
    await model.generate([[1, 2, 3, 4]], { maxNewTokens: 5, useCache: false });
    expect(seen).toEqual([4, 5, 6, 7, 8]);
  });

  it('sampling is seeded: the same generator state gives the same text, another seed another', async () => {
    manualSeed(26);
    const model = new GPT(small).eval();
    const a = await model.generate([[0]], { maxNewTokens: 10, generator: new Generator(1) });
    const b = await model.generate([[0]], { maxNewTokens: 10, generator: new Generator(1) });
    const c = await model.generate([[0]], { maxNewTokens: 10, generator: new Generator(2) });
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('training steps and generation leave no tensors behind', async () => {
    manualSeed(28);
    const model = new GPT(small);
    const optimizer = new AdamW(model.parameters(), { lr: 1e-3 });
    const x = randint(0, 13, [2, 8], { dtype: 'int32' });
    const y = randint(0, 13, [2, 8], { dtype: 'int32' });
    const step = (): void =>
      tidy(() => {
        optimizer.zeroGrad();
        model.forward(x, { targets: y }).loss!.backward();
        optimizer.step();
      });
    step(); // the optimizer's state and the gradients exist from the first step on
    const live = memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(memory().numTensors).toBe(live);
    model.eval();
    await model.generate([[1, 2, 3]], { maxNewTokens: 12 }); // past the block size: the cache is reset and refilled
    expect(memory().numTensors).toBe(live);
  });

  it('errors name the op and the limits', async () => {
    const model = new GPT(small);
    expect(() => model.forward(tensor([[1, 2]], { dtype: 'float32' }))).toThrow(/GPT: token ids must be int32, got float32/);
    expect(() => model.forward(randint(0, 13, [1, 13], { dtype: 'int32' }))).toThrow(/cannot run 13 positions after 0 cached ones: the block size is only 12/);
    await expect(model.generate([[1, 2], [3]], { maxNewTokens: 1 })).rejects.toThrow(ArgumentError);
    await expect(model.generate([[13]], { maxNewTokens: 1 })).rejects.toThrow(/token 13 is not an id of the 13-token vocabulary/);
    expect(() => new GPT({ ...small, nEmbd: 15 })).toThrow(/nEmbd must be a multiple of nHead/);
  });
});

describe('GPT learns', () => {
  it('memorises a repeating sequence in 150 steps (loss from ln V to near 0) and then continues it', async () => {
    manualSeed(27);
    const model = new GPT({ vocabSize: 8, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 32 });
    const pattern = [0, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1];
    const stream = Array.from({ length: 200 }, (_, i) => pattern[i % pattern.length]!);
    const optimizer = new AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0 });
    let first = 0;
    let last = 0;
    for (let step = 0; step < 150; step++) {
      if (step % 25 === 0) await new Promise((resolve) => setImmediate(resolve)); // keep the runner's worker responsive
      const starts = Array.from({ length: 8 }, (_, b) => (step * 7 + b * 13) % (stream.length - 17));
      const x = tensor(starts.map((s) => stream.slice(s, s + 16)), { dtype: 'int32' });
      const y = tensor(starts.map((s) => stream.slice(s + 1, s + 17)), { dtype: 'int32' });
      const loss = tidy(() => {
        optimizer.zeroGrad();
        const l = model.forward(x, { targets: y }).loss!;
        l.backward();
        optimizer.step();
        return l.item();
      });
      x.dispose();
      y.dispose();
      if (step === 0) first = loss;
      last = loss;
    }
    expect(first).toBeGreaterThan(1.8); // ≈ ln 8 = 2.08
    expect(last).toBeLessThan(0.1);
    model.eval();
    const [out] = await model.generate([[0, 1, 2, 3, 4, 5]], { maxNewTokens: 12, temperature: 0 });
    expect(out).toEqual(stream.slice(0, 18));
  }, 600_000);
});
