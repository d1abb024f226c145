import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { tensor } from '@webgrad/core-tensor';
import {
  CATEGORICAL_PALETTE,
  createRgbaImage,
  encodePng,
  imageGrid,
  scatterImage,
  tensorImageGrid,
  writePng,
  type RgbaImage,
} from '@webgrad/data';

const pixel = (img: RgbaImage, x: number, y: number): number[] =>
  Array.from(img.data.slice((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));

describe('imageGrid', () => {
  // three 2x2 grey images: 0, 0.5 and 1 everywhere
  const three = [0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1];

  it('tiles n images in ⌈n/columns⌉ rows with padding between and around them', () => {
    const img = imageGrid(three, {
      imageShape: [2, 2],
      columns: 2,
      padding: 1,
      background: [9, 9, 9],
    });
    expect([img.width, img.height]).toEqual([2 * 3 + 1, 2 * 3 + 1]);
    expect(pixel(img, 0, 0)).toEqual([9, 9, 9, 255]); // padding
    expect(pixel(img, 1, 1)).toEqual([0, 0, 0, 255]); // image 0
    expect(pixel(img, 4, 2)).toEqual([128, 128, 128, 255]); // image 1, 0.5 → 128
    expect(pixel(img, 2, 5)).toEqual([255, 255, 255, 255]); // image 2, second row
    expect(pixel(img, 5, 5)).toEqual([9, 9, 9, 255]); // the empty fourth cell
  });

  it('maps `range` to black..white (clamping) and magnifies by `scale`', () => {
    const img = imageGrid([-1, 3], { imageShape: [1, 2], range: [-1, 1], padding: 0, scale: 2 });
    expect([img.width, img.height]).toEqual([4, 2]);
    expect(pixel(img, 1, 1)).toEqual([0, 0, 0, 255]);
    expect(pixel(img, 2, 0)).toEqual([255, 255, 255, 255]);
    const auto = imageGrid([2, 4, 6], { imageShape: [1, 3], range: 'auto', padding: 0 });
    expect([pixel(auto, 0, 0)[0], pixel(auto, 1, 0)[0], pixel(auto, 2, 0)[0]]).toEqual([
      0, 128, 255,
    ]);
  });

  it('reads RGB images as C × H × W', () => {
    const red = [1, 1, 0, 0, 0, 0]; // [3, 1, 2]: R plane, G plane, B plane
    const img = imageGrid(red, { imageShape: [1, 2], channels: 3, padding: 0 });
    expect(pixel(img, 1, 0)).toEqual([255, 0, 0, 255]);
  });

  it('takes the layout from a tensor: [N, H, W], [N, C, H, W] or [N, H·W] with imageShape', async () => {
    const t = tensor(three, { shape: [3, 2, 2] });
    const a = await tensorImageGrid(t, { columns: 3 });
    const b = await tensorImageGrid(t.reshape([3, 1, 2, 2]), { columns: 3 });
    const c = await tensorImageGrid(t.reshape([3, 4]), { imageShape: [2, 2], columns: 3 });
    expect(b.data).toEqual(a.data);
    expect(c.data).toEqual(a.data);
    await expect(
      tensorImageGrid(tensor(new Array(15).fill(0), { shape: [3, 5] }), { imageShape: [2, 2] }),
    ).rejects.toThrow(
      'tensorImageGrid: expected images [N, H, W], [N, 1|3, H, W] or [N, H·W] (square, or with imageShape), got [3,5] with imageShape [2, 2]',
    );
    // flat square images need no imageShape
    expect((await tensorImageGrid(t.reshape([3, 4]), { columns: 3 })).data).toEqual(a.data);
  });

  it('refuses a partial image and bad options by name', () => {
    expect(() => imageGrid([1, 2, 3], { imageShape: [2, 2] })).toThrow(
      'imageGrid: expected a whole number (≥ 1) of 1×2×2 images, got 3 values',
    );
    expect(() => imageGrid(three, { imageShape: [2, 2], scale: 0 })).toThrow(
      'imageGrid: scale must be a positive integer, got 0',
    );
    expect(() => imageGrid(three, { imageShape: [2, 2], range: [1, 1] })).toThrow(
      'imageGrid: range must have low < high, got [1, 1]',
    );
  });
});

describe('scatterImage', () => {
  it('draws each point in its class colour at its place, y upwards, with axes through 0', () => {
    const img = scatterImage([-1, -1, 1, 1], {
      labels: [0, 3],
      size: 101,
      pointSize: 1,
      bounds: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 },
    });
    expect(pixel(img, 0, 100)).toEqual([...CATEGORICAL_PALETTE[0]!, 255]); // (−1, −1): bottom left
    expect(pixel(img, 100, 0)).toEqual([...CATEGORICAL_PALETTE[3]!, 255]); // (1, 1): top right
    expect(pixel(img, 50, 10)).toEqual([210, 210, 210, 255]); // the y axis x = 0
    expect(pixel(img, 20, 20)).toEqual([255, 255, 255, 255]);
  });

  it('fits the points with a margin by default and refuses mismatched labels', () => {
    const img = scatterImage([0, 0, 10, 5], { size: [64, 32], axes: false, pointSize: 1 });
    const coloured = [] as number[][];
    for (let y = 0; y < img.height; y++)
      for (let x = 0; x < img.width; x++) if (pixel(img, x, y)[0] !== 255) coloured.push([x, y]);
    expect(coloured).toEqual([
      [60, 1],
      [3, 30],
    ]);
    expect(() => scatterImage([0, 0, 1, 1], { labels: [1] })).toThrow(
      'scatterImage: expected one label per point (2), got 1',
    );
    expect(() => scatterImage([0, 0, 1])).toThrow(
      'scatterImage: expected [n, 2] points (an even number of values), got 3 values',
    );
  });
});

describe('encodePng', () => {
  it('writes a PNG that decodes to the same pixels', () => {
    const img = imageGrid([0, 0.25, 0.5, 1], { imageShape: [2, 2], padding: 1, scale: 3 });
    const png = encodePng(img);
    expect(Array.from(png.slice(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const back = decode(png);
    expect([back.width, back.height, back.channels, back.depth]).toEqual([
      img.width,
      img.height,
      4,
      8,
    ]);
    expect(Array.from(back.data)).toEqual(Array.from(img.data));
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8ClampedArray(12) })).toThrow(
      'encodePng: expected 2 × 2 × 4 = 16 bytes of RGBA, got 12',
    );
  });

  it('writePng creates the directory and writes the bytes', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'webgrad-png-')), 'nested', 'a.png');
    const img = createRgbaImage(3, 2, [1, 2, 3]);
    await writePng(path, img);
    expect(new Uint8Array(readFileSync(path))).toEqual(encodePng(img));
  });
});
