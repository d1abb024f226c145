import { expect, it } from 'vitest';
import { manualSeed, memory, select, setBackend, toBackend } from '@webgrad/core-tensor';
import { DIGIT_SEQ_VOCAB, digitSeq2Seq } from '@webgrad/data';
import { Seq2Seq, type Seq2SeqAttention } from '@webgrad/layers-recurrent';
import { acquireWebgpu, describeOnWebgpu } from '../../core-tensor/test/conformance/webgpu-under-test.js';

// Greedy decoding and beam search read each step's tokens or log-probabilities
// back, asynchronously, so they run on a model on the GPU and find what the
// same model finds on the CPU (untrained weights: the choices are arbitrary but
// must agree; the test keeps to clear argmax margins by using several models).

const gpu = await acquireWebgpu();
const { pad, bos, eos, size: V } = DIGIT_SEQ_VOCAB;

function twins(attention: Seq2SeqAttention, cell: 'gru' | 'lstm'): { cpu: Seq2Seq; gpu: Seq2Seq } {
  manualSeed(11);
  const options = { srcVocab: V, tgtVocab: V, embedDim: 8, hiddenSize: 12, attention, cell, padIndex: pad };
  const cpu = new Seq2Seq(options);
  setBackend('webgpu');
  const onGpu = new Seq2Seq(options);
  setBackend('cpu');
  onGpu.loadStateDict(cpu.stateDict());
  return { cpu, gpu: onGpu };
}

describeOnWebgpu(gpu, 'seq2seq decoding on webgpu', () => {
  it('greedyDecode and beamSearch give the cpu tokens and free what they make', async () => {
    const data = digitSeq2Seq({ numSequences: 4, task: 'reverse', minLength: 2, maxLength: 5, seed: 3 });
    const src = toBackend(data.source, 'webgpu');
    for (const [attention, cell] of [['bahdanau', 'gru'], ['luong', 'lstm'], ['none', 'gru']] as const) {
      const m = twins(attention, cell);
      const [firstCpu, firstGpu] = [select(data.source, 0, 0), select(src, 0, 0)];
      const decode = async (): Promise<void> => {
        const a = await m.cpu.greedyDecode(data.source, { bos, eos, maxLength: 6, srcLengths: data.sourceLengths });
        const b = await m.gpu.greedyDecode(src, { bos, eos, maxLength: 6, srcLengths: data.sourceLengths });
        expect(b.tokens).toEqual(a.tokens);
        if (a.attention) {
          for (let r = 0; r < a.attention.length; r++)
            for (let t = 0; t < a.attention[r]!.length; t++)
              a.attention[r]![t]!.forEach((w, i) => expect(Math.abs(b.attention![r]![t]![i]! - w)).toBeLessThan(1e-5));
        }
        const ha = await m.cpu.beamSearch(firstCpu, { bos, eos, beamWidth: 3, maxLength: 6 });
        const hb = await m.gpu.beamSearch(firstGpu, { bos, eos, beamWidth: 3, maxLength: 6 });
        expect(hb.map((h) => h.tokens)).toEqual(ha.map((h) => h.tokens));
        hb.forEach((h, i) => expect(Math.abs(h.logProb - ha[i]!.logProb)).toBeLessThan(1e-4));
      };
      await decode(); // warms core-tensor's small cache of scalar operands
      const live = memory().numTensors;
      await decode();
      // ≤: the garbage collector may free unreferenced tensors of earlier code meanwhile, never add any
      expect(memory().numTensors).toBeLessThanOrEqual(live);
    }
  });
});
