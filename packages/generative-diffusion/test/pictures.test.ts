import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { full, randn, tensor } from '@webgrad/core-tensor';
import {
  DiffusionSchedule,
  ddimSample,
  ddpmSample,
  denoisingSequencePng,
  sampleGridPng,
  samplesVersusDataPng,
  trajectoryScatterPng,
  type Denoiser,
} from '@webgrad/generative-diffusion';

const schedule = DiffusionSchedule.cosine(20);
/** The exact denoiser of a point mass at c. */
const pointMass = (c: number): Denoiser => ({ forward: (z) => full(z.shape, c) });
const pixel = (png: Uint8Array, x: number, y: number): number => {
  const d = decode(png);
  return d.data[(y * d.width + x) * d.channels]!;
};
const size = (png: Uint8Array): [number, number] => {
  const d = decode(png);
  return [d.width, d.height];
};

describe('pictures as PNG bytes', () => {
  it('a sample grid maps [−1, 1] to black…white; flat square samples are laid out as images', async () => {
    const samples = tensor([
      [-1, -1, -1, -1],
      [1, 1, 1, 1],
      [0, 0, 0, 0],
    ]);
    const png = await sampleGridPng(samples, { scale: 1, padding: 1 });
    expect(size(png)).toEqual([2 * 3 + 1, 2 * 3 + 1]); // 2 columns of 2x2 images, 1 px padding
    expect(pixel(png, 1, 1)).toBe(0);
    expect(pixel(png, 4, 1)).toBe(255);
    expect(pixel(png, 1, 4)).toBe(128);
    expect(size(await sampleGridPng(randn([6, 1, 8, 8]), { columns: 6 }))).toEqual([
      (6 * 9 + 1) * 4,
      10 * 4,
    ]);
    await expect(sampleGridPng(randn([2, 6]))).rejects.toThrow(
      /sampleGridPng: expected images \[N, H, W\], \[N, 1\|3, H, W\] or \[N, H·W\] \(square, or with imageShape\), got \[2,6\]/,
    );
  });

  it('a denoising sequence: one row per sample from z_T to z₀, frames evenly spaced', async () => {
    const run = ddpmSample(pointMass(1), schedule, [3, 1, 4, 4], {
      prediction: 'x0',
      returnTrajectory: true,
    });
    const png = await denoisingSequencePng(run, { frames: 5, scale: 1 });
    expect(size(png)).toEqual([5 * 5 + 1, 3 * 5 + 1]);
    // the last column is the sample, the point mass at 1: white
    for (let row = 0; row < 3; row++) expect(pixel(png, 1 + 4 * 5, 1 + row * 5)).toBe(255);
    // the model's x̂ is 1 at every step: with show 'prediction' every frame is white
    const predictions = await denoisingSequencePng(run, {
      frames: 4,
      examples: 1,
      show: 'prediction',
      scale: 1,
    });
    for (let col = 0; col < 4; col++) expect(pixel(predictions, 1 + col * 5, 1)).toBe(255);
    const noTrajectory = ddimSample(pointMass(0), schedule, [2, 1, 4, 4], { steps: 3 });
    await expect(denoisingSequencePng(noTrajectory)).rejects.toThrow(
      /denoisingSequencePng: the sampler run has no trajectory: sample with \{ returnTrajectory: true \}/,
    );
    await expect(denoisingSequencePng(run, { examples: 4 })).rejects.toThrow(
      /denoisingSequencePng: examples must be an integer in \[1, 3\], got 4/,
    );
  });

  it('2-D: samples over data on shared axes, and the cloud of points along the chain', async () => {
    const data = tensor([
      [0, 0],
      [1, 1],
    ]);
    const samples = tensor([[0.5, 0.5]]);
    const png = await samplesVersusDataPng(samples, data, {
      size: 101,
      pointSize: 1,
      bounds: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 },
    });
    const d = decode(png);
    const rgb = (x: number, y: number): number[] =>
      Array.from(d.data.subarray((y * 101 + x) * 4, (y * 101 + x) * 4 + 3));
    expect(rgb(0, 100)).toEqual([150, 170, 200]); // data point (0, 0), bottom left
    expect(rgb(100, 0)).toEqual([150, 170, 200]); // data point (1, 1), top right
    expect(rgb(50, 50)).toEqual([230, 85, 13]); // the sample in the middle
    const run = ddpmSample(pointMass(0.5), schedule, [50, 2], {
      prediction: 'x0',
      returnTrajectory: true,
    });
    expect(size(await trajectoryScatterPng(run, { frames: 4, size: 64 }))).toEqual([
      4 * 64 + 3 * 4,
      64,
    ]);
    await expect(samplesVersusDataPng(randn([3, 3]), data)).rejects.toThrow(
      /samplesVersusDataPng: expected samples as points \[N, 2\], got \[3,3\]/,
    );
  });
});
