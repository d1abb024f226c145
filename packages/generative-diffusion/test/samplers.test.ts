import { describe, expect, it } from 'vitest';
import { Generator, full, randn, tensor, where, type Tensor } from '@webgrad/core-tensor';
import {
  DiffusionSchedule,
  ddimSample,
  ddimTimesteps,
  ddpmSample,
  epsilonFromX0,
  guidedOutput,
  predictionTarget,
  type Denoiser,
} from '@webgrad/generative-diffusion';
import { gaussianDataOracle } from './gaussian-oracle.js';

const M = 1.5;
const S = 0.5;
const N = 20000;

function moments(x: Tensor): { mean: number; variance: number } {
  const v = x.dataSync();
  let mean = 0;
  for (const a of v) mean += a / v.length;
  let variance = 0;
  for (const a of v) variance += (a - mean) ** 2 / (v.length - 1);
  return { mean, variance };
}

/**
 * The exact law of a sampler's output when the denoiser is the Gaussian
 * oracle: every step is affine in z plus independent noise, z' = A z + b + σ ε,
 * so starting from N(0, 1) the mean and variance propagate as
 * μ' = A μ + b and v' = A² v + σ². With x̂ = g z + h, g = √ᾱ s²/(ᾱ s² + 1 − ᾱ),
 * h = m − g √ᾱ m, the samplers' steps are
 *   DDPM: z' = c₀ x̂ + c₁ z + σ ε;
 *   DDIM: z' = √ᾱ' x̂ + d (z − √ᾱ x̂)/√(1 − ᾱ) + σ ε, d = √(1 − ᾱ' − σ²).
 */
function exactLaw(
  steps: {
    abar: number;
    next: (x: { g: number; h: number; a: number }) => { A: number; b: number; sigma: number };
  }[],
): { mean: number; variance: number } {
  let [mean, variance] = [0, 1];
  for (const { abar, next } of steps) {
    const a = Math.sqrt(abar);
    const g = (a * S * S) / (abar * S * S + 1 - abar);
    const { A, b, sigma } = next({ g, h: M - g * a * M, a });
    [mean, variance] = [A * mean + b, A * A * variance + sigma * sigma];
  }
  return { mean, variance };
}

function ddpmLaw(
  s: DiffusionSchedule,
  variance: 'posterior' | 'beta',
): { mean: number; variance: number } {
  return exactLaw(
    Array.from({ length: s.numTimesteps }, (_, k) => {
      const t = s.numTimesteps - 1 - k;
      const [c0, c1] = [s.posteriorMeanCoefX0[t]!, s.posteriorMeanCoefZt[t]!];
      const sigma =
        t === 0 ? 0 : Math.sqrt(variance === 'posterior' ? s.posteriorVariance[t]! : s.betas[t]!);
      return {
        abar: s.alphasCumprod[t]!,
        next: ({ g, h }) => ({ A: c0 * g + c1, b: c0 * h, sigma }),
      };
    }),
  );
}

function ddimLaw(
  s: DiffusionSchedule,
  steps: number,
  eta: number,
): { mean: number; variance: number } {
  const tau = ddimTimesteps(s.numTimesteps, steps);
  return exactLaw(
    tau
      .map((t, i) => {
        const abar = s.alphasCumprod[t]!;
        const prev = i > 0 ? s.alphasCumprod[tau[i - 1]!]! : 1;
        const sigma = eta * Math.sqrt((1 - prev) / (1 - abar)) * Math.sqrt(1 - abar / prev);
        const d = Math.sqrt(1 - prev - sigma * sigma);
        const r = Math.sqrt(1 - abar);
        return {
          abar,
          next: ({ g, h, a }: { g: number; h: number; a: number }) => ({
            A: Math.sqrt(prev) * g + (d * (1 - a * g)) / r,
            b: Math.sqrt(prev) * h - (d * a * h) / r,
            sigma,
          }),
        };
      })
      .reverse(),
  );
}

/** |sample mean − μ| and sample variance / v − 1 within 4.5 standard errors. */
function expectLaw(x: Tensor, law: { mean: number; variance: number }): void {
  const m = moments(x);
  expect(Math.abs(m.mean - law.mean)).toBeLessThan(4.5 * Math.sqrt(law.variance / N));
  expect(Math.abs(m.variance / law.variance - 1)).toBeLessThan(4.5 * Math.sqrt(2 / (N - 1)));
}

describe('samplers driven by the exact denoiser of Gaussian data N(1.5, 0.5²)', () => {
  const schedule = DiffusionSchedule.cosine(50);
  const oracle = gaussianDataOracle(schedule, M, S);
  const common = { prediction: 'x0' as const, dtype: 'float64' as const };

  it('ancestral DDPM returns the law its steps imply, and nearly the data: σₜ² = β̃ₜ undershoots the spread, σₜ² = βₜ overshoots it', () => {
    const small = ddpmSample(oracle, schedule, [N, 1], {
      ...common,
      variance: 'posterior',
      generator: new Generator(1),
    }).samples;
    const large = ddpmSample(oracle, schedule, [N, 1], {
      ...common,
      variance: 'beta',
      generator: new Generator(2),
    }).samples;
    expectLaw(small, ddpmLaw(schedule, 'posterior'));
    expectLaw(large, ddpmLaw(schedule, 'beta'));
    expect(ddpmLaw(schedule, 'posterior').mean).toBeCloseTo(M, 6);
    const [lo, hi] = [
      Math.sqrt(ddpmLaw(schedule, 'posterior').variance),
      Math.sqrt(ddpmLaw(schedule, 'beta').variance),
    ];
    expect(lo).toBeLessThan(S);
    expect(hi).toBeGreaterThan(S);
    expect(lo).toBeGreaterThan(0.9 * S);
    expect(hi).toBeLessThan(1.1 * S);
  });

  it('DDIM with η = 0 on 10 of 50 steps and with η = 0.5 on 25 steps returns the law its update implies', () => {
    expectLaw(
      ddimSample(oracle, schedule, [N, 1], { ...common, steps: 10, generator: new Generator(3) })
        .samples,
      ddimLaw(schedule, 10, 0),
    );
    expectLaw(
      ddimSample(oracle, schedule, [N, 1], {
        ...common,
        steps: 25,
        eta: 0.5,
        generator: new Generator(4),
      }).samples,
      ddimLaw(schedule, 25, 0.5),
    );
    // all S = T steps of deterministic DDIM recover the data's spread to within 3%
    expect(Math.sqrt(ddimLaw(schedule, 50, 0).variance) / S).toBeCloseTo(1, 1);
  });

  it('DDIM with η = 1 on all T steps is ancestral DDPM with σₜ² = β̃ₜ, draw for draw', () => {
    const a = ddpmSample(oracle, schedule, [64, 3], {
      ...common,
      generator: new Generator(9),
    }).samples.dataSync();
    const b = ddimSample(oracle, schedule, [64, 3], {
      ...common,
      eta: 1,
      generator: new Generator(9),
    }).samples.dataSync();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 10);
  });

  it('ε-, x- and v-parameterisations of the same denoiser give the same samples', () => {
    const asEpsilon: Denoiser = {
      forward: (z, t) => epsilonFromX0(schedule, z, t, oracle.forward(z, t)),
    };
    const asV: Denoiser = {
      forward: (z, t) => {
        const x = oracle.forward(z, t);
        return predictionTarget(schedule, x, epsilonFromX0(schedule, z, t, x), t, 'v');
      },
    };
    const noise = randn([16, 2], { dtype: 'float64' });
    const x = ddimSample(oracle, schedule, [16, 2], {
      ...common,
      noise,
      steps: 7,
    }).samples.dataSync();
    const e = ddimSample(asEpsilon, schedule, [16, 2], {
      ...common,
      prediction: 'epsilon',
      noise,
      steps: 7,
    }).samples.dataSync();
    const v = ddimSample(asV, schedule, [16, 2], {
      ...common,
      prediction: 'v',
      noise,
      steps: 7,
    }).samples.dataSync();
    for (let i = 0; i < x.length; i++) {
      expect(e[i]).toBeCloseTo(x[i]!, 9);
      expect(v[i]).toBeCloseTo(x[i]!, 9);
    }
  });
});

describe('sampler mechanics', () => {
  const schedule = DiffusionSchedule.linear(30);
  /** Predicts x = c for every input: the data is a point mass at c. */
  const pointMass = (c: number): Denoiser => ({
    forward: (z) => full(z.shape, c, { dtype: z.dtype }),
  });

  it('DDIM with η = 0 is a deterministic map of z_T; trajectories hold z_T and every state and x̂ along the way', () => {
    const noise = randn([5, 2]);
    const model = gaussianDataOracle(schedule, M, S);
    const a = ddimSample(model, schedule, [5, 2], {
      prediction: 'x0',
      noise,
      steps: 6,
      generator: new Generator(1),
      returnTrajectory: true,
    });
    const b = ddimSample(model, schedule, [5, 2], {
      prediction: 'x0',
      noise,
      steps: 6,
      generator: new Generator(2),
    });
    expect(Array.from(a.samples.dataSync())).toEqual(Array.from(b.samples.dataSync()));
    expect(a.timesteps).toEqual([29, 23, 17, 12, 6, 0]);
    expect(a.trajectory).toHaveLength(7);
    expect(a.predictedX0).toHaveLength(6);
    expect(a.trajectory![0]).toBe(noise);
    expect(a.trajectory![6]).toBe(a.samples);
    expect(b.trajectory).toBeUndefined();
    expect(ddimTimesteps(30, 30)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(ddimTimesteps(30, 1)).toEqual([29]);
  });

  it('a point mass is reproduced exactly (the last step adds no noise), and clipDenoised keeps x̂ in [−1, 1]', () => {
    const ddpm = ddpmSample(pointMass(0.25), schedule, [4, 3], {
      prediction: 'x0',
      returnTrajectory: true,
    });
    for (const v of ddpm.samples.dataSync()) expect(v).toBeCloseTo(0.25, 6);
    expect(ddpm.timesteps).toEqual(Array.from({ length: 30 }, (_, i) => 29 - i));
    expect(ddpm.trajectory).toHaveLength(31);
    const clipped = ddimSample(pointMass(3), schedule, [4, 3], {
      prediction: 'x0',
      clipDenoised: true,
      steps: 5,
    }).samples;
    for (const v of clipped.dataSync()) expect(v).toBeCloseTo(1, 6);
    const range = ddpmSample(pointMass(3), schedule, [2, 2], {
      prediction: 'x0',
      clipDenoised: [0, 2],
    }).samples;
    for (const v of range.dataSync()) expect(v).toBeCloseTo(2, 6);
  });

  it('classifier-free guidance: f(z, t, ∅) + s·(f(z, t, y) − f(z, t, ∅)), from one batched call', () => {
    // class y predicts x = y + 1, "no label" (y = 3) predicts x = 0
    let calls = 0;
    const conditional: Denoiser = {
      numClasses: 3,
      forward: (z, _t, labels) => {
        calls++;
        const y = (labels ?? full([z.shape[0]!], 3, { dtype: 'int32' }))
          .cast(z.dtype)
          .reshape([z.shape[0]!, 1]);
        return where(y.eq(3), 0, y.add(1)).expand(z.shape);
      },
    };
    const z = randn([3, 2]);
    const t = tensor([4, 4, 4], { dtype: 'int32' });
    const labels = tensor([0, 2, 1], { dtype: 'int32' });
    const guided = guidedOutput(conditional, z, t, { labels, guidanceScale: 2.5 });
    expect(calls).toBe(1);
    expect(Array.from(guided.dataSync())).toEqual([2.5, 2.5, 7.5, 7.5, 5, 5]);
    expect(Array.from(guidedOutput(conditional, z, t, { labels }).dataSync())).toEqual([
      1, 1, 3, 3, 2, 2,
    ]);
    expect(Array.from(guidedOutput(conditional, z, t).dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    // sampling a point-mass model with guidance lands on the guided point
    const samples = ddpmSample(conditional, schedule, [3, 2], {
      prediction: 'x0',
      labels,
      guidanceScale: 2,
    }).samples;
    const v = samples.dataSync();
    [2, 2, 6, 6, 4, 4].forEach((want, i) => expect(v[i]).toBeCloseTo(want, 5));
    expect(() => guidedOutput(conditional, z, t, { guidanceScale: 2 })).toThrow(
      /guidedOutput: guidanceScale needs labels/,
    );
    expect(() =>
      guidedOutput(conditional, z, t, { labels: tensor([0, 4, 1], { dtype: 'int32' }) }),
    ).toThrow(/guidedOutput: labels must be in \[0, 3\] \(3 = no label\), got 4/);
    expect(() => guidedOutput(pointMass(0), z, t, { labels })).toThrow(
      /guidedOutput: labels were given but the denoiser is unconditional/,
    );
  });

  it('errors name the sampler and what was expected', () => {
    const model = pointMass(0);
    expect(() => ddimSample(model, schedule, [2, 2], { steps: 31 })).toThrow(
      /ddimSample: steps must be an integer in \[1, 30\], got 31/,
    );
    expect(() => ddimSample(model, schedule, [2, 2], { eta: -1 })).toThrow(
      /ddimSample: eta must be >= 0, got -1/,
    );
    expect(() => ddpmSample(model, schedule, [2, 2], { noise: randn([2, 3]) })).toThrow(
      /ddpmSample: noise must have the sample shape \[2,2\], got \[2,3\]/,
    );
    expect(() => ddpmSample(model, schedule, [2])).toThrow(
      /ddpmSample: expected a sample shape \[N, …\] of positive sizes, got \[2\]/,
    );
    expect(() => ddpmSample(model, schedule, [2, 2], { prediction: 'score' as never })).toThrow(
      /ddpmSample: prediction must be one of 'epsilon', 'x0', 'v', got 'score'/,
    );
    expect(() => ddpmSample(model, schedule, [2, 2], { variance: 'learned' as never })).toThrow(
      /ddpmSample: variance must be 'posterior' or 'beta', got 'learned'/,
    );
  });
});
