import { expect, it } from 'vitest';
import { Generator, manualSeed, memory, randn, setBackend, tensor, toBackend, type Tensor, type TypedArray } from '@webgrad/core-tensor';
import { DIGIT_SEQ_VOCAB, digitSeq2Seq } from '@webgrad/data';
import { GPT, Seq2SeqTransformer, TransformerDecoderLayer, generateSquareSubsequentMask } from '@webgrad/transformer';
import { acquireWebgpu, describeOnWebgpu } from '../../core-tensor/test/conformance/webgpu-under-test.js';

// The transformer is built from core-tensor ops, so the same weights must give
// the same outputs, gradients and generated tokens on WebGPU as on the CPU.

const gpu = await acquireWebgpu();

function expectClose(got: TypedArray, want: TypedArray, what: string, tol = 1e-4): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = Number(want[i]);
    if (Math.abs(Number(got[i]) - w) > tol * (1 + Math.abs(w))) expect.fail(`${what}: element ${i} is ${got[i]} on webgpu, ${w} on the cpu`);
  }
}

function onWebgpu<M>(make: () => M): M {
  setBackend('webgpu');
  try {
    return make();
  } finally {
    setBackend('cpu', 'the CPU is the reference');
  }
}

describeOnWebgpu(gpu, 'transformer on WebGPU equals the CPU', () => {
  it('a decoder layer with masks: outputs and every gradient', async () => {
    manualSeed(1);
    const make = () => new TransformerDecoderLayer(16, 4, { dimFeedforward: 32, dropout: 0, batchFirst: true, normFirst: true, activation: 'gelu' });
    const cpuLayer = make();
    const gpuLayer = onWebgpu(make);
    gpuLayer.loadStateDict(cpuLayer.stateDict());
    const tgt = randn([2, 5, 16]);
    const memory = randn([2, 7, 16]);
    const padding = tensor([
      [false, false, false, false, false, false, true],
      [false, false, false, true, true, true, true],
    ]);
    const run = (layer: TransformerDecoderLayer, backend: string): { y: Tensor; x: Tensor } => {
      const x = toBackend(tgt, backend).requiresGrad_(true);
      const y = layer.forward(x, toBackend(memory, backend), {
        tgtMask: generateSquareSubsequentMask(5, { backend }),
        memoryKeyPaddingMask: toBackend(padding, backend),
      });
      y.mul(y).sum().backward();
      return { y, x };
    };
    const c = run(cpuLayer, 'cpu');
    const g = run(gpuLayer, 'webgpu');
    expect(g.y.backend.name).toBe('webgpu');
    expectClose(await g.y.data(), c.y.dataSync(), 'output');
    expectClose(await g.x.grad!.data(), c.x.grad!.dataSync(), '∂/∂tgt');
    const gp = Object.fromEntries(gpuLayer.namedParameters());
    for (const [name, p] of cpuLayer.namedParameters()) expectClose(await gp[name]!.grad!.data(), p.grad!.dataSync(), `∂/∂${name}`);
  });

  it('GPT: the loss and its gradients match, and generation with the cache gives the CPU tokens', async () => {
    manualSeed(2);
    const config = { vocabSize: 11, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 16 };
    const cpuModel = new GPT(config);
    const gpuModel = onWebgpu(() => new GPT(config));
    gpuModel.loadStateDict(cpuModel.stateDict());
    const idx = [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]];
    const targets = [[2, 3, 4, 5, 6], [7, 8, 9, 10, 0]];
    const losses: number[] = [];
    for (const [model, backend] of [[cpuModel, 'cpu'], [gpuModel, 'webgpu']] as const) {
      const { loss } = model.forward(tensor(idx, { dtype: 'int32', backend }), { targets: tensor(targets, { dtype: 'int32', backend }) });
      loss!.backward();
      losses.push(await loss!.itemAsync());
    }
    expect(losses[1]).toBeCloseTo(losses[0]!, 4);
    expectClose(await gpuModel.transformer.wte.weight.grad!.data(), cpuModel.transformer.wte.weight.grad!.dataSync(), '∂/∂wte');
    cpuModel.eval();
    gpuModel.eval();
    const options = { maxNewTokens: 10, temperature: 0 };
    const onCpu = await cpuModel.generate([[1, 2]], options);
    expect(await gpuModel.generate([[1, 2]], options)).toEqual(onCpu);
    expect(await gpuModel.generate([[1, 2]], { ...options, useCache: false })).toEqual(onCpu);
    const sampled = { maxNewTokens: 6, temperature: 1 };
    expect(await gpuModel.generate([[3]], { ...sampled, generator: new Generator(4) })).toEqual(await cpuModel.generate([[3]], { ...sampled, generator: new Generator(4) }));
  });

  it('Seq2SeqTransformer.greedyDecode gives the CPU tokens on a padded batch and frees what it makes', async () => {
    manualSeed(3);
    const { pad, bos, eos, size: V } = DIGIT_SEQ_VOCAB;
    const options = { srcVocabSize: V, tgtVocabSize: V, dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32, dropout: 0, padIdx: pad };
    const cpuModel = new Seq2SeqTransformer(options);
    const gpuModel = onWebgpu(() => new Seq2SeqTransformer(options));
    gpuModel.loadStateDict(cpuModel.stateDict());
    cpuModel.eval();
    gpuModel.eval();
    // sources of lengths 2–5, padded: the padding masks are exercised too
    const { source } = digitSeq2Seq({ numSequences: 6, task: 'reverse', minLength: 2, maxLength: 5, seed: 7 });
    const src = toBackend(source, 'webgpu');
    const decode = { bos, eos, maxLen: 7 };
    const want = await cpuModel.greedyDecode(source, decode);
    const got = await gpuModel.greedyDecode(src, decode);
    expect(got).toEqual(want);
    expect(want.flat().length).toBeGreaterThan(0);
    const before = memory();
    await gpuModel.greedyDecode(src, decode);
    const after = memory();
    expect(after.numTensors).toBeLessThanOrEqual(before.numTensors);
    expect(after.bytesByBackend.webgpu!).toBeLessThanOrEqual(before.bytesByBackend.webgpu!);
  });
});
