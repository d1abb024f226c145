import { describe, expect, it } from 'vitest';
import { Generator, randn } from '@webgrad/core-tensor';
import { SGD } from '@webgrad/optim';
import {
  DDPM,
  DiffusionSchedule,
  UNet,
  ddimSample,
  ddpmSample,
  diffusionLoss,
} from '@webgrad/generative-diffusion';

describe('DDPM, the ready model', () => {
  const schedule = DiffusionSchedule.cosine(10);

  it('is a module around its denoiser whose loss, samplers and bound are the free functions with its settings', async () => {
    const unet = new UNet({ baseChannels: 4, groups: 2, dropout: 0.1 });
    const ddpm = new DDPM(unet, schedule, {
      prediction: 'x0',
      variance: 'beta',
      clipDenoised: true,
    });
    expect(Object.keys(ddpm.stateDict()).every((k) => k.startsWith('model.'))).toBe(true);
    expect(ddpm.parameters()).toEqual(unet.parameters());
    expect(ddpm.extraRepr()).toBe("prediction='x0', variance='beta', timesteps=10");
    const x = randn([2, 1, 4, 4]).tanh();
    expect(ddpm.loss(x, { generator: new Generator(1) }).item()).toBe(
      diffusionLoss(unet, x, { schedule, prediction: 'x0', generator: new Generator(1) }).item(),
    );
    // sampling switches dropout off and restores training mode afterwards
    expect(ddpm.training).toBe(true);
    const a = ddpm.sample([2, 1, 4, 4], { generator: new Generator(2) }).samples;
    expect(unet.training).toBe(true);
    unet.eval();
    const b = ddpmSample(unet, schedule, [2, 1, 4, 4], {
      prediction: 'x0',
      variance: 'beta',
      clipDenoised: true,
      generator: new Generator(2),
    }).samples;
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const c = ddpm.sampleDdim([2, 1, 4, 4], { steps: 4, generator: new Generator(3) }).samples;
    const d = ddimSample(unet, schedule, [2, 1, 4, 4], {
      prediction: 'x0',
      clipDenoised: true,
      steps: 4,
      generator: new Generator(3),
    }).samples;
    expect(Array.from(c.dataSync())).toEqual(Array.from(d.dataSync()));
    unet.train();
    // a training step returns the loss before its update, and the update changes the loss
    const before = diffusionLoss(unet, x, {
      schedule,
      prediction: 'x0',
      generator: new Generator(4),
    }).item();
    const returned = await ddpm.trainStep(new SGD(ddpm.parameters(), { lr: 0.1 }), x, {
      generator: new Generator(4),
    });
    const after = diffusionLoss(unet, x, {
      schedule,
      prediction: 'x0',
      generator: new Generator(4),
    }).item();
    expect(returned).toBe(before);
    expect(after).toBeLessThan(before);
    expect(ddpm.bound(x.narrow(0, 0, 1), { levels: 17 }).terms.shape).toEqual([1, 10]);
    expect(() => new DDPM(unet, schedule, { variance: 'learned' as never })).toThrow(
      /DDPM: variance must be 'posterior' or 'beta', got 'learned'/,
    );
  });
});
