import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { randn, tensor, type DType, type Tensor } from '@webgrad/core-tensor';
import { Adam } from '@webgrad/optim';
import {
  DiffusionSchedule,
  MlpDenoiser,
  SinusoidalTimeEmbedding,
  UNet,
  diffusionLoss,
  timestepEmbedding,
  type MlpDenoiserOptions,
  type UNetOptions,
} from '@webgrad/generative-diffusion';

interface Spec {
  dtype: DType;
  shape: number[];
  data: number[];
}
interface ModelCase<O> {
  options: O;
  state: Record<string, Spec>;
  z: Spec;
  t: Spec;
  labels: Spec;
  r: Spec;
  output: Spec;
  gradZ: Spec;
}
interface Fixture {
  embedding: { t: Spec; dim8: Spec; dim7: Spec };
  mlp: ModelCase<MlpDenoiserOptions>;
  unet: ModelCase<UNetOptions>;
  unet3: ModelCase<UNetOptions>;
}

const here = dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(
  readFileSync(join(here, 'fixtures', 'denoisers.json'), 'utf8'),
) as Fixture;
const fromSpec = (s: Spec, requiresGrad = false): Tensor =>
  tensor(s.data, { shape: s.shape, dtype: s.dtype, requiresGrad });

/** |actual − expected| ≤ atol + rtol·|expected| elementwise, naming the worst element. */
function expectMatches(
  actual: Tensor,
  expected: Spec,
  what: string,
  atol = 2e-5,
  rtol = 2e-5,
): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const a = actual.dataSync();
  let worst = 0;
  let at = -1;
  expected.data.forEach((e, i) => {
    const excess = Math.abs(a[i]! - e) - (atol + rtol * Math.abs(e));
    if (excess > worst || Number.isNaN(excess))
      [worst, at] = [Number.isNaN(excess) ? Infinity : excess, i];
  });
  expect(at, `${what}: element ${at} is ${a[at]}, PyTorch ${expected.data[at]}`).toBe(-1);
}

/** Loads the PyTorch weights into `model` and compares output and ∂(Σ out·r)/∂z. */
function matchesPyTorch(model: MlpDenoiser | UNet, c: ModelCase<unknown>, what: string): void {
  const state = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromSpec(v)]));
  expect(Object.keys(model.stateDict()).sort(), `${what}: parameter names`).toEqual(
    Object.keys(state).sort(),
  );
  model.loadStateDict(state);
  const z = fromSpec(c.z, true);
  const labels = model.numClasses > 0 ? fromSpec(c.labels) : undefined;
  const out = model.forward(z, fromSpec(c.t), labels);
  out.mul(fromSpec(c.r)).sum().backward();
  expectMatches(out, c.output, `${what} output`);
  expectMatches(z.grad!, c.gradZ, `${what} ∂/∂z`);
}

describe('the sinusoidal timestep embedding', () => {
  it('is [sin(ωᵢt), cos(ωᵢt)] with ωᵢ = maxPeriod^(−i/(h−1)), as PyTorch computes it', () => {
    const t = fromSpec(fixture.embedding.t);
    expectMatches(timestepEmbedding(t, 8), fixture.embedding.dim8, 'dim 8');
    expectMatches(
      new SinusoidalTimeEmbedding(7, { maxPeriod: 100 }).forward(t),
      fixture.embedding.dim7,
      'dim 7, max period 100',
    );
    // t = 0 embeds as [0…0, 1…1]; distinct steps get distinct vectors
    const e = timestepEmbedding(tensor([0, 1, 2], { dtype: 'int32' }), 6).arraySync() as number[][];
    expect(e[0]).toEqual([0, 0, 0, 1, 1, 1]);
    expect(e[1]).not.toEqual(e[2]);
    expect(() => timestepEmbedding(tensor([[1]], { dtype: 'int32' }), 4)).toThrow(
      /timestepEmbedding: expected timesteps \[B\], got \[1,1\]/,
    );
    expect(() => timestepEmbedding(t, 1)).toThrow(
      /timestepEmbedding: dim must be an integer >= 2, got 1/,
    );
  });
});

describe('denoisers agree with the same networks in PyTorch', () => {
  it('MlpDenoiser (class-conditioned): output and input gradient', () => {
    matchesPyTorch(new MlpDenoiser(fixture.mlp.options), fixture.mlp, 'MlpDenoiser');
  });

  it('UNet with two levels, class conditioning and a channel count GroupNorm must share out', () => {
    matchesPyTorch(new UNet(fixture.unet.options), fixture.unet, 'UNet');
  });

  it('UNet with three levels and two residual blocks per level', () => {
    matchesPyTorch(new UNet(fixture.unet3.options), fixture.unet3, 'UNet (3 levels)');
  });
});

describe('denoiser behaviour', () => {
  it('output layers start at zero, so an untrained denoiser predicts 0; shapes and errors are checked', () => {
    const mlp = new MlpDenoiser({ dataDim: 2 });
    const t = tensor([1, 2, 3], { dtype: 'int32' });
    expect(Array.from(mlp.forward(randn([3, 2]), t).dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    const unet = new UNet({ baseChannels: 8, numClasses: 10 });
    expect(unet.forward(randn([3, 1, 8, 8]), t).shape).toEqual([3, 1, 8, 8]);
    expect(() => mlp.forward(randn([3, 3]), t)).toThrow(
      /MlpDenoiser: expected zt \[B, 2\], got \[3,3\]/,
    );
    expect(() => mlp.forward(randn([3, 2]), tensor([1], { dtype: 'int32' }))).toThrow(
      /MlpDenoiser: expected timesteps \[3\] for zt \[3,2\], got \[1\]/,
    );
    expect(() => mlp.forward(randn([3, 2]), t, t)).toThrow(
      /MlpDenoiser: labels were given to an unconditional denoiser/,
    );
    expect(() => unet.forward(randn([3, 1, 8, 7]), t)).toThrow(
      /UNet: expected zt \[B, 1, H, W\] with H and W divisible by 2, got \[3,1,8,7\]/,
    );
    expect(() =>
      unet.forward(randn([3, 1, 8, 8]), t, tensor([0, 11, 2], { dtype: 'int32' })),
    ).toThrow(/LabelEmbedding: labels must be in \[0, 10\] \(10 = no label\), got 11/);
    expect(() => new UNet({ channelMults: [] })).toThrow(
      /UNet: channelMults must be a non-empty list of positive integers, got \[\]/,
    );
    expect(() => new MlpDenoiser({ dataDim: 0 })).toThrow(
      /MlpDenoiser: dataDim must be an integer >= 1, got 0/,
    );
  });

  it('the U-Net learns: 25 Adam steps on 8 fixed images cut its ε-prediction loss on them', () => {
    const schedule = DiffusionSchedule.cosine(20);
    const unet = new UNet({ baseChannels: 8, groups: 4 });
    const adam = new Adam(unet.parameters(), { lr: 3e-3 });
    const x = randn([8, 1, 8, 8]).tanh();
    // a fixed set of (t, ε) so the loss is a deterministic function of the weights
    const t = tensor(
      Array.from({ length: 8 }, (_, i) => (i * 7) % 20),
      { dtype: 'int32' },
    );
    const noise = randn([8, 1, 8, 8]);
    const loss = (): Tensor => diffusionLoss(unet, x, { schedule, t, noise });
    const before = loss().item();
    for (let i = 0; i < 25; i++) {
      adam.zeroGrad();
      loss().backward();
      adam.step();
    }
    const after = loss().item();
    expect(before).toBeCloseTo(1, 0); // predicting 0 for unit noise
    expect(after).toBeLessThan(0.6 * before);
  });
});
