import { expect, it } from 'vitest';
import { Generator, manualSeed, setBackend, toBackend, type Tensor } from '@webgrad/core-tensor';
import { SGD } from '@webgrad/optim';
import { twoMoons } from '@webgrad/data';
import {
  DDPM,
  DiffusionSchedule,
  MlpDenoiser,
  UNet,
  variationalBound,
  type DenoiserModule,
} from '@webgrad/generative-diffusion';
import {
  acquireWebgpu,
  describeOnWebgpu,
} from '../../core-tensor/test/conformance/webgpu-under-test.js';

// Everything in this package is built from core-tensor ops, so a model must
// train, sample and bound the same on WebGPU as on the CPU, given the same
// weights and the same Philox streams.

const gpu = await acquireWebgpu();

/** The same model (the same initialisation stream) with its parameters on `backend`. */
function buildOn<M>(backend: string, make: () => M): M {
  setBackend(backend, 'test');
  try {
    manualSeed(0);
    return make();
  } finally {
    setBackend('cpu', 'the CPU is the reference');
  }
}

async function maxDiff(a: Tensor, b: Tensor): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  const [x, y] = [Array.from(await a.data()), Array.from(await b.data())];
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
}

describeOnWebgpu(gpu, 'generative-diffusion on webgpu', () => {
  it('training steps, DDPM and DDIM samples and the bound agree with the CPU (MLP denoiser, v-prediction)', async () => {
    const schedule = DiffusionSchedule.cosine(30);
    const make = (): DDPM<DenoiserModule> =>
      new DDPM(new MlpDenoiser({ dataDim: 2, hiddenDim: 32, numBlocks: 2 }), schedule, {
        prediction: 'v',
      });
    const [cpu, onGpu] = [buildOn('cpu', make), buildOn('webgpu', make)];
    expect(onGpu.parameters()[0]!.backend.name).toBe('webgpu');
    const x = twoMoons({ numSamples: 64, noise: 0.1, seed: 1 }).points;
    const xGpu = toBackend(x, 'webgpu');
    // SGD, not Adam: Adam's first steps are ±lr for any gradient however small, so float noise
    // in near-zero gradients would be amplified into visible differences
    const [sgdCpu, sgdGpu] = [
      new SGD(cpu.parameters(), { lr: 0.1 }),
      new SGD(onGpu.parameters(), { lr: 0.1 }),
    ];
    const [genCpu, genGpu] = [new Generator(1), new Generator(1)];
    for (let step = 0; step < 4; step++) {
      const a = await cpu.trainStep(sgdCpu, x, { generator: genCpu });
      const b = await onGpu.trainStep(sgdGpu, xGpu, { generator: genGpu });
      expect(b).toBeCloseTo(a, 4);
    }
    const ddpmGpu = onGpu.sample([32, 2], { generator: new Generator(2) }).samples;
    expect(ddpmGpu.backend.name).toBe('webgpu');
    expect(
      await maxDiff(ddpmGpu, cpu.sample([32, 2], { generator: new Generator(2) }).samples),
    ).toBeLessThan(1e-4);
    const ddimGpu = onGpu.sampleDdim([32, 2], {
      steps: 8,
      backend: 'webgpu',
      generator: new Generator(3),
    }).samples;
    expect(ddimGpu.backend.name).toBe('webgpu');
    expect(
      await maxDiff(
        ddimGpu,
        cpu.sampleDdim([32, 2], { steps: 8, generator: new Generator(3) }).samples,
      ),
    ).toBeLessThan(1e-4);
    const boundOf = (m: DDPM, data: Tensor): Tensor =>
      m.bound(data, { decoder: 'gaussian', generator: new Generator(4) }).total;
    expect(
      await maxDiff(boundOf(onGpu, xGpu.narrow(0, 0, 8)), boundOf(cpu, x.narrow(0, 0, 8))),
    ).toBeLessThan(1e-3);
  });

  it('the U-Net (convolutions, GroupNorm, upsampling, class embedding) and its loss gradient agree with the CPU', async () => {
    const schedule = DiffusionSchedule.linear(40);
    const make = (): UNet => new UNet({ baseChannels: 8, groups: 4, numClasses: 3 });
    const [cpu, onGpu] = [buildOn('cpu', make), buildOn('webgpu', make)];
    // a non-zero output layer, so the comparison sees every path
    onGpu.loadStateDict(cpu.stateDict());
    const images = (backend: string): Tensor =>
      toBackend(
        twoMoons({ numSamples: 128, seed: 5 }).points.reshape([4, 1, 8, 8]).tanh(),
        backend,
      );
    const labels = (backend: string): Tensor =>
      toBackend(twoMoons({ numSamples: 4, seed: 6 }).labels, backend);
    const lossOf = (model: UNet, backend: string): Tensor =>
      new DDPM(model, schedule).loss(images(backend), {
        labels: labels(backend),
        generator: new Generator(7),
      });
    const [a, b] = [lossOf(cpu, 'cpu'), lossOf(onGpu, 'webgpu')];
    a.backward();
    b.backward();
    expect(await b.itemAsync()).toBeCloseTo(a.item(), 4);
    for (const [i, [name, p]] of cpu.namedParameters().entries()) {
      expect(await maxDiff(onGpu.parameters()[i]!.grad!, p.grad!), name).toBeLessThan(1e-4);
    }
    const boundGpu = variationalBound(onGpu, images('webgpu'), {
      schedule,
      generator: new Generator(8),
    }).terms;
    const boundCpu = variationalBound(cpu, images('cpu'), {
      schedule,
      generator: new Generator(8),
    }).terms;
    expect(await maxDiff(boundGpu, boundCpu)).toBeLessThan(1e-3);
  });
});
