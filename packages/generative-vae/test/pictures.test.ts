import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { Generator, tensor } from '@webgrad/core-tensor';
import { loadDigits } from '@webgrad/data';
import {
  Autoencoder,
  VAE,
  interpolationPng,
  latentManifoldPng,
  latentMapPng,
  reconstructionsPng,
  samplesPng,
  tensorPng,
} from '@webgrad/generative-vae';
import { seeded } from './digits-training.js';

const { images, labels } = loadDigits();
const vae2d = seeded(0, () => VAE.mlp({ inputSize: 64, hiddenSizes: [32], latentSize: 2 }));
const size = (png: Uint8Array): [number, number] => {
  const d = decode(png);
  return [d.width, d.height];
};

describe('pictures as PNG bytes', () => {
  it('samples: n pictures from the prior in a grid (8x8 digits magnified 4x, 1 px padding)', async () => {
    const png = await samplesPng(vae2d, 16, { generator: new Generator(0) });
    // 4 columns of 8 px + 5 px of padding, times 4
    expect(size(png)).toEqual([(4 * 9 + 1) * 4, (4 * 9 + 1) * 4]);
    const again = await samplesPng(vae2d, 16, { generator: new Generator(0) });
    expect(again).toEqual(png); // the same seed draws the same pictures
  });

  it('reconstructions: rows of originals each followed by their reconstructions, for a VAE or an autoencoder', async () => {
    const x = images.narrow(0, 0, 20);
    expect(size(await reconstructionsPng(vae2d, x, { columns: 8, scale: 1 }))).toEqual([
      8 * 9 + 1,
      4 * 9 + 1,
    ]); // 16 used, 2 row pairs
    const ae = Autoencoder.conv({ imageShape: [1, 8, 8], channels: [4], codeSize: 3 });
    const png = await reconstructionsPng(ae, x.reshape([20, 1, 8, 8]), {
      columns: 10,
      scale: 2,
      padding: 0,
    });
    const d = decode(png);
    expect([d.width, d.height]).toEqual([160, 64]);
    // the top-left original is the first digit: its pixel (0, 3) is 0.8125 → 207
    const first = Array.from(images.narrow(0, 0, 1).dataSync());
    expect(d.data[(0 * 160 + 2 * 3) * 4]).toBe(Math.round(255 * first[3]!));
  });

  it('interpolations: one row of `steps` pictures per pair', async () => {
    const png = await interpolationPng(vae2d, images.narrow(0, 0, 3), images.narrow(0, 3, 3), 7, {
      scale: 1,
    });
    expect(size(png)).toEqual([7 * 9 + 1, 3 * 9 + 1]);
  });

  it('a 2-D latent map of the encoded means, and the decoded Φ⁻¹ grid of the latent plane', async () => {
    const map = decode(
      await latentMapPng(vae2d, images.narrow(0, 0, 200), labels.narrow(0, 0, 200), { size: 200 }),
    );
    expect([map.width, map.height]).toEqual([200, 200]);
    const colours = new Set<string>();
    for (let p = 0; p < map.data.length; p += 4)
      colours.add(`${map.data[p]},${map.data[p + 1]},${map.data[p + 2]}`);
    expect(colours.size).toBeGreaterThanOrEqual(12); // white, axis grey and the ten class colours
    expect(size(await latentManifoldPng(vae2d, { steps: 5, scale: 1 }))).toEqual([
      5 * 9 + 1,
      5 * 9 + 1,
    ]);
    const vae8 = VAE.mlp({ inputSize: 64, latentSize: 8 });
    await expect(
      latentMapPng(vae8, images.narrow(0, 0, 5), labels.narrow(0, 0, 5)),
    ).rejects.toThrow('latentMapPng: needs a VAE with a 2-D latent space, got latentSize 8');
  });

  it('any batch of pictures, and a clear error for a shape that is not one', async () => {
    expect(
      size(await tensorPng(images.narrow(0, 0, 6).reshape([6, 1, 8, 8]), { columns: 3, scale: 1 })),
    ).toEqual([28, 19]);
    await expect(tensorPng(tensor([[1, 2, 3]]))).rejects.toThrow(
      'tensorPng: expected images [N, H, W], [N, 1|3, H, W] or [N, H·W] (square, or with imageShape), got [1,3]',
    );
  });
});
