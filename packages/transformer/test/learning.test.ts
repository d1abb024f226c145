import { describe, expect, it } from 'vitest';
import { indexSelect, manualSeed, narrow, randperm, reshape, tidy } from '@webgrad/core-tensor';
import { noGrad } from '@webgrad/autograd';
import { crossEntropy } from '@webgrad/nn';
import { Adam, AdamW } from '@webgrad/optim';
import { DIGIT_SEQ_VOCAB, digitSeq2Seq, loadDigits, trainTestSplit } from '@webgrad/data';
import { Seq2SeqTransformer, VisionTransformer } from '@webgrad/transformer';

// Small models on small data in bounded CPU time (a few seconds of compute each;
// the timeouts leave room for a heavily shared machine). The loops yield to the event
// loop now and then so the test runner's worker stays responsive.

const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the encoder–decoder transformer learns to reverse digit strings', () => {
  it('≥ 90% exact match (greedy) on held-out strings of length 3–6 after 450 steps', async () => {
    const { pad, bos, eos, size: V } = DIGIT_SEQ_VOCAB;
    manualSeed(40);
    const train = digitSeq2Seq({ numSequences: 2000, task: 'reverse', minLength: 3, maxLength: 6, seed: 0 });
    const test = digitSeq2Seq({ numSequences: 200, task: 'reverse', minLength: 3, maxLength: 6, seed: 1 });
    const model = new Seq2SeqTransformer({ srcVocabSize: V, tgtVocabSize: V, dModel: 32, nhead: 4, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 64, dropout: 0, padIdx: pad });
    const opt = new Adam(model.parameters(), { lr: 3e-3 });
    for (let step = 0; step < 450; step++) {
      if (step % 25 === 0) await breathe();
      tidy(() => {
        const idx = narrow(randperm(2000), 0, 0, 32);
        const src = indexSelect(train.source, 0, idx);
        const tgt = indexSelect(train.target, 0, idx);
        const T = tgt.shape[1]! - 1;
        // teacher forcing: the decoder reads BOS y₁ … y_{T−1} and predicts y₁ … y_T
        const logits = model.forward(src, narrow(tgt, 1, 0, T));
        const loss = crossEntropy(reshape(logits, [-1, V]), reshape(narrow(tgt, 1, 1, T), [-1]), { ignoreIndex: pad });
        opt.zeroGrad();
        loss.backward();
        opt.step();
      });
    }
    model.eval();
    const decoded = await model.greedyDecode(test.source, { bos, eos, maxLen: 8 });
    const rows = test.source.arraySync() as number[][];
    const correct = decoded.filter((t, i) => t.join() === rows[i]!.slice(0, rows[i]!.indexOf(eos)).reverse().join()).length;
    expect(correct / decoded.length).toBeGreaterThanOrEqual(0.9);
  }, 600_000);
});

describe('the vision transformer learns the 8×8 digits', () => {
  it('> 80% test accuracy after 150 steps (16 patches of 2×2 + class token, 2 layers)', async () => {
    manualSeed(0);
    const { images, labels } = loadDigits();
    const { train, test } = trainTestSplit(1797, { testFraction: 0.2, seed: 0 });
    const xTrain = reshape(indexSelect(images, 0, train), [-1, 1, 8, 8]);
    const yTrain = indexSelect(labels, 0, train);
    const vit = new VisionTransformer({ imageSize: 8, patchSize: 2, numClasses: 10, dim: 32, depth: 2, heads: 4, mlpDim: 64 });
    expect(vit.numPatches).toBe(16);
    const opt = new AdamW(vit.parameters(), { lr: 3e-3, weightDecay: 0.01 });
    for (let step = 0; step < 150; step++) {
      if (step % 25 === 0) await breathe();
      tidy(() => {
        const idx = narrow(randperm(xTrain.shape[0]!), 0, 0, 64);
        const loss = crossEntropy(vit.forward(indexSelect(xTrain, 0, idx)), indexSelect(yTrain, 0, idx));
        opt.zeroGrad();
        loss.backward();
        opt.step();
      });
    }
    vit.eval();
    const xTest = reshape(indexSelect(images, 0, test), [-1, 1, 8, 8]);
    const accuracy = tidy(() => noGrad(() => vit.forward(xTest).argmax(-1).eq(indexSelect(labels, 0, test)).cast('float32').mean().item()));
    expect(accuracy).toBeGreaterThan(0.8);
  }, 600_000);
});
