import { describe, expect, it } from 'vitest';
import { Generator, memory, randn } from '@webgrad/core-tensor';
import { Adam } from '@webgrad/optim';
import { SparseAutoencoder, VAE } from '@webgrad/generative-vae';

describe('memory stays flat', () => {
  it('over 100 VAE train steps and repeated evaluation, sampling and reconstruction', async () => {
    const vae = VAE.mlp({ inputSize: 16, hiddenSizes: [8], latentSize: 2 });
    const x = randn([32, 16], { generator: new Generator(1) }).sigmoid();
    const opt = new Adam(vae.parameters(), { lr: 1e-3 });
    const gen = new Generator(2);
    const [a, b] = [x.narrow(0, 0, 1), x.narrow(0, 1, 1)];
    const round = async () => {
      await vae.trainStep(x, opt, { generator: gen, beta: 0.5 });
      for (const t of [
        vae.elbo(x, { samples: 2, generator: gen }),
        vae.importanceWeightedLogLikelihood(x, { k: 8, chunk: 3, generator: gen }),
        vae.sample(4, { generator: gen }),
        vae.reconstruct(x),
        vae.interpolate(a, b, 3),
      ])
        t.dispose();
    };
    for (let i = 0; i < 10; i++) await round();
    const before = memory();
    for (let i = 0; i < 100; i++) await round();
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });

  it('over 200 sparse autoencoder train steps', async () => {
    const sae = SparseAutoencoder.mlp({ inputSize: 16, hiddenSizes: [], codeSize: 20, rho: 0.1 });
    const x = randn([32, 16], { generator: new Generator(1) }).sigmoid();
    const opt = new Adam(sae.parameters(), { lr: 1e-3 });
    for (let i = 0; i < 10; i++) await sae.trainStepTerms(x, opt);
    const before = memory().numTensors;
    for (let i = 0; i < 200; i++) await sae.trainStepTerms(x, opt);
    expect(memory().numTensors).toBe(before);
  });
});
