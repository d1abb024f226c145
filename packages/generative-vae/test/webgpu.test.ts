import { describe, expect, it } from 'vitest';
import {
  Generator,
  init,
  listBackends,
  manualSeed,
  setBackend,
  toBackend,
  type Tensor,
} from '@webgrad/core-tensor';
import { Adam } from '@webgrad/optim';
import { VAE, reparameterize, klStandardNormal, samplesPng } from '@webgrad/generative-vae';
import { binarisedDigits } from './digits-training.js';

/**
 * The WebGPU backend for this file (the CPU stays the default); without an
 * adapter the tests are skipped by name unless WEBGRAD_REQUIRE_WEBGPU=1.
 * (Each package's tests stand alone, so this small helper is not shared.)
 */
async function acquireWebgpu(): Promise<{ available: boolean; reason: string }> {
  try {
    await init({ backend: 'webgpu' });
    setBackend('cpu', 'tests choose their backend explicitly');
    return { available: listBackends().includes('webgpu'), reason: 'adapter found' };
  } catch (e) {
    if (process.env.WEBGRAD_REQUIRE_WEBGPU === '1') throw e;
    return { available: false, reason: (e as Error).message };
  }
}

const gpu = await acquireWebgpu();
const digits = binarisedDigits();

/** The same VAE (the same initialisation stream) on `backend`. */
function vaeOn(backend: string): VAE {
  setBackend(backend, 'test');
  try {
    manualSeed(0);
    return VAE.mlp({ inputSize: 64, hiddenSizes: [32], latentSize: 4 });
  } finally {
    setBackend('cpu', 'tests choose their backend explicitly');
  }
}

async function maxDiff(a: Tensor, b: Tensor): Promise<number> {
  const [x, y] = [Array.from(await a.data()), Array.from(await b.data())];
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
}

describe.skipIf(!gpu.available)(
  gpu.available ? 'VAE on WebGPU' : `VAE on WebGPU — skipped: no WebGPU adapter (${gpu.reason})`,
  () => {
    it('reparameterisation and the KL agree with the CPU (ε from the same Philox stream)', async () => {
      const mu = digits.xTest.narrow(0, 0, 8).narrow(1, 0, 4);
      const logvar = digits.xTest.narrow(0, 8, 8).narrow(1, 10, 4).sub(0.5);
      const zCpu = reparameterize(mu, logvar, { generator: new Generator(3) });
      const zGpu = reparameterize(toBackend(mu, 'webgpu'), toBackend(logvar, 'webgpu'), {
        generator: new Generator(3),
      });
      expect(zGpu.backend.name).toBe('webgpu');
      expect(await maxDiff(zCpu, zGpu)).toBeLessThan(1e-5);
      const kl = await klStandardNormal(
        toBackend(mu, 'webgpu'),
        toBackend(logvar, 'webgpu'),
      ).itemAsync();
      expect(kl).toBeCloseTo(klStandardNormal(mu, logvar).item(), 4);
    });

    it('training steps, the ELBO, samples and pictures match the CPU', async () => {
      const cpu = vaeOn('cpu');
      const onGpu = vaeOn('webgpu');
      expect(onGpu.parameters()[0]!.backend.name).toBe('webgpu');
      const x = digits.xTrain.narrow(0, 0, 64);
      const xGpu = toBackend(x, 'webgpu');
      const [optCpu, optGpu] = [
        new Adam(cpu.parameters(), { lr: 1e-3 }),
        new Adam(onGpu.parameters(), { lr: 1e-3 }),
      ];
      const [genCpu, genGpu] = [new Generator(1), new Generator(1)];
      for (let step = 0; step < 3; step++) {
        const a = await cpu.trainStep(x, optCpu, { generator: genCpu });
        const b = await onGpu.trainStep(xGpu, optGpu, { generator: genGpu });
        expect(b.loss).toBeCloseTo(a.loss, 3);
        expect(b.kl).toBeCloseTo(a.kl, 4);
      }
      const held = digits.xTest.narrow(0, 0, 32);
      const elboCpu = cpu.elbo(held, { generator: new Generator(2) });
      const elboGpu = onGpu.elbo(toBackend(held, 'webgpu'), { generator: new Generator(2) });
      expect(await maxDiff(elboCpu, elboGpu)).toBeLessThan(1e-3);
      const iwGpu = onGpu.importanceWeightedLogLikelihood(toBackend(held, 'webgpu'), {
        k: 20,
        generator: new Generator(4),
      });
      const iwCpu = cpu.importanceWeightedLogLikelihood(held, {
        k: 20,
        generator: new Generator(4),
      });
      expect(await maxDiff(iwCpu, iwGpu)).toBeLessThan(1e-3);
      const samples = onGpu.sample(8, { generator: new Generator(5) });
      expect(samples.backend.name).toBe('webgpu');
      expect(await maxDiff(samples, cpu.sample(8, { generator: new Generator(5) }))).toBeLessThan(
        1e-5,
      );
      const png = await samplesPng(onGpu, 8, { generator: new Generator(5) });
      expect(png).toEqual(await samplesPng(cpu, 8, { generator: new Generator(5) }));
    });
  },
);
