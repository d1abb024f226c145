import { expect, it } from 'vitest';
import { manualSeed, randn, select, setBackend, toBackend } from '@webgrad/core-tensor';
import { Adam } from '@webgrad/optim';
import { CharTokenizer, lmStreamBatches } from '@webgrad/data';
import { CharLSTM, LSTM, forgetGateBiasInit_, hiddenGradientNorms, recurrentJacobians, type CharLMState, type RecurrentRun } from '@webgrad/layers-recurrent';
import { acquireWebgpu, describeOnWebgpu } from '../../core-tensor/test/conformance/webgpu-under-test.js';

// Everything a training script does with a language model reads numbers back
// (losses, logits to sample from, gradient norms): on WebGPU those reads are
// asynchronous, so trainStep, evaluate, generate and the diagnostics are too,
// and they must give the CPU's numbers on a model moved to the GPU.

const gpu = await acquireWebgpu();
const text = 'to be or not to be, that is the question. '.repeat(6);

function twins(): { cpu: CharLSTM; gpu: CharLSTM } {
  manualSeed(7);
  const cpu = new CharLSTM({ vocabSize: CharTokenizer.fromText(text).vocabSize, hiddenSize: 12, numLayers: 2, embedDim: 8 });
  setBackend('webgpu');
  const onGpu = new CharLSTM({ vocabSize: CharTokenizer.fromText(text).vocabSize, hiddenSize: 12, numLayers: 2, embedDim: 8 });
  setBackend('cpu');
  onGpu.loadStateDict(cpu.stateDict());
  return { cpu, gpu: onGpu };
}

describeOnWebgpu(gpu, 'character language model and gradient diagnostics on webgpu', () => {
  it('trainStep, evaluate and generate give the cpu numbers', async () => {
    const tok = CharTokenizer.fromText(text);
    const ids = tok.encode(text);
    const { cpu, gpu: onGpu } = twins();
    expect(onGpu.head.weight.backend.name).toBe('webgpu');
    const optCpu = new Adam(cpu.parameters(), { lr: 0.01 });
    const optGpu = new Adam(onGpu.parameters(), { lr: 0.01 });
    let sCpu: CharLMState | null = null;
    let sGpu: CharLMState | null = null;
    for (const { inputs, targets } of lmStreamBatches(ids, { seqLen: 16, batchSize: 2 })) {
      const a = await cpu.trainStep(inputs, targets, optCpu, { state: sCpu, maxGradNorm: 1 });
      const b = await onGpu.trainStep(toBackend(inputs, 'webgpu'), toBackend(targets, 'webgpu'), optGpu, { state: sGpu, maxGradNorm: 1 });
      expect(b.state.h.backend.name).toBe('webgpu');
      expect(Math.abs(b.loss - a.loss)).toBeLessThan(1e-4 * (1 + Math.abs(a.loss)));
      sCpu = a.state;
      sGpu = b.state;
    }
    const eCpu = await cpu.evaluate(ids, { seqLen: 20, batchSize: 2 });
    const eGpu = await onGpu.evaluate(ids, { seqLen: 20, batchSize: 2 });
    expect(eGpu.tokens).toBe(eCpu.tokens);
    expect(Math.abs(eGpu.loss - eCpu.loss)).toBeLessThan(1e-4);
    // greedy decoding picks the same tokens; seeded sampling draws the same uniforms on both
    const prompt = tok.encode('to be');
    expect(await onGpu.generate({ prompt, length: 12, temperature: 0 })).toEqual(await cpu.generate({ prompt, length: 12, temperature: 0 }));
    expect(await onGpu.generate({ prompt, length: 12, temperature: 1, seed: 3 })).toEqual(await cpu.generate({ prompt, length: 12, temperature: 1, seed: 3 }));
  });

  it('hiddenGradientNorms, recurrentJacobians and forgetGateBiasInit_ work on a layer on the gpu', async () => {
    manualSeed(8);
    const cpu = forgetGateBiasInit_(new LSTM(3, 5, { numLayers: 2 }), 1);
    setBackend('webgpu');
    const onGpu = new LSTM(3, 5, { numLayers: 2 });
    setBackend('cpu');
    onGpu.loadStateDict(cpu.stateDict());
    forgetGateBiasInit_(onGpu, 1);
    const bias = await onGpu.weights(1).biasIh!.data();
    expect(Array.from(bias.slice(5, 10))).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(await onGpu.weights(1).biasHh!.data()).slice(5, 10)).toEqual([0, 0, 0, 0, 0]);
    const x = randn([6, 2, 3]);
    const loss = (r: RecurrentRun) => select(r.output, 0, 5).sum();
    const a = await hiddenGradientNorms(cpu, x, loss);
    const b = await hiddenGradientNorms(onGpu, toBackend(x, 'webgpu'), loss);
    expect(b.norms.length).toBe(2);
    for (let l = 0; l < 2; l++) for (let t = 0; t < 6; t++) expect(Math.abs(b.norms[l]![0]![t]! - a.norms[l]![0]![t]!)).toBeLessThan(1e-5 * (1 + a.norms[l]![0]![t]!));
    expect(Math.abs(b.loss - a.loss)).toBeLessThan(1e-5 * (1 + Math.abs(a.loss)));
    const ja = await recurrentJacobians(cpu, x, { layer: 1 });
    const jb = await recurrentJacobians(onGpu, toBackend(x, 'webgpu'), { layer: 1 });
    for (let t = 0; t < 6; t++) expect(Math.abs(jb.spectralNorm[t]! - ja.spectralNorm[t]!)).toBeLessThan(1e-4 * (1 + ja.spectralNorm[t]!));
  });
});
