import {
  ArgumentError,
  ShapeError,
  fmtShape,
  stack,
  tidy,
  type Tensor,
} from '@webgrad/core-tensor';
import {
  createRgbaImage,
  encodePng,
  imageBatchLayout,
  scatterImage,
  tensorImageGrid,
  type PlotBounds,
  type Rgb,
  type RgbaImage,
} from '@webgrad/data';
import type { SamplingResult } from './sampling-run.js';

/** How image pictures are laid out. */
export interface ImagePictureOptions {
  /** Height and width of one image when samples are flat [N, H·W] (default: √(H·W) when that is a whole number). */
  imageShape?: readonly [number, number];
  /** Values drawn black and white (default [−1, 1], the range diffusion models' images live in). */
  range?: readonly [number, number];
  /** Integer magnification (default 4: an 8x8 digit becomes 32x32 pixels). */
  scale?: number;
  /** Pixels between images (default 1). */
  padding?: number;
}

/** Options of `denoisingSequencePng`. */
export interface DenoisingSequenceOptions extends ImagePictureOptions {
  /** Pictures per row, evenly spaced along the chain, first and last included (default 8). */
  frames?: number;
  /** How many samples (rows) to show (default: all, at most 8). */
  examples?: number;
  /** `'state'` (default): zₜ, from noise to sample; `'prediction'`: the model's x̂ at each step. */
  show?: 'state' | 'prediction';
}

/** Options of the 2-D scatter pictures. */
export interface ScatterPictureOptions {
  /** Width and height in pixels of one panel (default 256). */
  size?: number;
  /** Side of each point's square in pixels (default 2). */
  pointSize?: number;
  /** The region shown (default: the bounding box of everything drawn, with a margin). */
  bounds?: PlotBounds;
}

/** Colours of the scatter pictures: data, samples. */
const DATA_COLOUR: Rgb = [150, 170, 200];
const SAMPLE_COLOUR: Rgb = [230, 85, 13];

/**
 * A PNG grid of image samples ([N, C, H, W], [N, H, W] or flat [N, H·W]).
 *
 * @example
 * ```ts
 * const { samples } = ddpm.sampleDdim([64, 1, 8, 8], { steps: 25 });
 * await writePng('samples.png', await sampleGridPng(samples));
 * ```
 */
export async function sampleGridPng(
  samples: Tensor,
  options: ImagePictureOptions & { columns?: number } = {},
): Promise<Uint8Array> {
  return encodePng(
    await tensorImageGrid(samples, {
      ...gridOptions('sampleGridPng', samples, options),
      ...(options.columns ? { columns: options.columns } : {}),
    }),
  );
}

/**
 * A PNG of the denoising sequence of a sampler run made with
 * `returnTrajectory: true`: one row per sample, one column per frame, from
 * pure noise z_T on the left to the sample on the right (or the model's
 * estimate x̂ at each step with `show: 'prediction'`).
 *
 * @example
 * ```ts
 * const run = ddpm.sample([8, 1, 8, 8], { returnTrajectory: true });
 * await writePng('denoising.png', await denoisingSequencePng(run, { frames: 10 }));
 * ```
 */
export async function denoisingSequencePng(
  result: SamplingResult,
  options: DenoisingSequenceOptions = {},
): Promise<Uint8Array> {
  const sequence = trajectoryOf('denoisingSequencePng', result, options.show ?? 'state');
  const frames = pickFrames('denoisingSequencePng', sequence.length, options.frames ?? 8);
  const first = sequence[0]!;
  const n = first.shape[0]!;
  const examples = options.examples ?? Math.min(n, 8);
  if (!Number.isInteger(examples) || examples < 1 || examples > n) {
    throw new ArgumentError(
      'denoisingSequencePng',
      `examples must be an integer in [1, ${n}], got ${examples}`,
    );
  }
  // [examples, frames, …] → one row of frames per example
  const rows = tidy(() =>
    stack(
      frames.map((k) => sequence[k]!.narrow(0, 0, examples)),
      1,
    ).reshape([examples * frames.length, ...first.shape.slice(1)]),
  );
  try {
    return encodePng(
      await tensorImageGrid(rows, {
        ...gridOptions('denoisingSequencePng', first, options),
        columns: frames.length,
      }),
    );
  } finally {
    rows.dispose();
  }
}

/**
 * A PNG scatter plot of 2-D samples (orange) over data (light blue), both
 * [N, 2], on the same axes: where the model puts its mass against where the
 * data is.
 *
 * @example
 * ```ts
 * await writePng('moons.png', await samplesVersusDataPng(samples, points));
 * ```
 */
export async function samplesVersusDataPng(
  samples: Tensor,
  data: Tensor,
  options: ScatterPictureOptions = {},
): Promise<Uint8Array> {
  const s = await points2d('samplesVersusDataPng', samples, 'samples');
  const d = await points2d('samplesVersusDataPng', data, 'data');
  const all = new Float32Array(d.length + s.length);
  all.set(d);
  all.set(s, d.length);
  const labels = Int32Array.from({ length: all.length / 2 }, (_, i) => (i < d.length / 2 ? 0 : 1));
  return encodePng(
    scatterImage(all, {
      labels,
      palette: [DATA_COLOUR, SAMPLE_COLOUR],
      size: options.size ?? 256,
      pointSize: options.pointSize ?? 2,
      bounds: options.bounds ?? boundsOf([all]),
    }),
  );
}

/**
 * A PNG of a 2-D sampler run made with `returnTrajectory: true`: panels side
 * by side showing the cloud of points at `frames` evenly spaced steps, from
 * N(0, I) on the left to the samples on the right, all on the same axes.
 *
 * @example
 * ```ts
 * const run = ddpm.sample([500, 2], { returnTrajectory: true });
 * await writePng('moons-denoising.png', await trajectoryScatterPng(run, { frames: 6 }));
 * ```
 */
export async function trajectoryScatterPng(
  result: SamplingResult,
  options: ScatterPictureOptions & { frames?: number } = {},
): Promise<Uint8Array> {
  const sequence = trajectoryOf('trajectoryScatterPng', result, 'state');
  const frames = pickFrames('trajectoryScatterPng', sequence.length, options.frames ?? 6);
  const clouds = await Promise.all(
    frames.map((k) => points2d('trajectoryScatterPng', sequence[k]!, 'trajectory')),
  );
  const bounds = options.bounds ?? boundsOf(clouds);
  const panels = clouds.map((points) =>
    scatterImage(points, {
      palette: [SAMPLE_COLOUR],
      size: options.size ?? 256,
      pointSize: options.pointSize ?? 2,
      bounds,
    }),
  );
  return encodePng(sideBySide(panels, 4));
}

/** The trajectory (states or x̂ estimates) of a run, or a clear error when it was not kept. */
function trajectoryOf(op: string, result: SamplingResult, show: 'state' | 'prediction'): Tensor[] {
  const sequence =
    show === 'state' ? result.trajectory : show === 'prediction' ? result.predictedX0 : undefined;
  if (show !== 'state' && show !== 'prediction')
    throw new ArgumentError(op, `show must be 'state' or 'prediction', got '${String(show)}'`);
  if (sequence === undefined || sequence.length === 0) {
    throw new ArgumentError(
      op,
      'the sampler run has no trajectory: sample with { returnTrajectory: true }',
    );
  }
  return sequence;
}

/** `frames` indices evenly spaced over [0, length − 1], first and last included. */
function pickFrames(op: string, length: number, frames: number): number[] {
  if (!Number.isInteger(frames) || frames < 1)
    throw new ArgumentError(op, `frames must be a positive integer, got ${frames}`);
  const k = Math.min(frames, length);
  if (k === 1) return [length - 1];
  return Array.from({ length: k }, (_, i) => Math.round((i * (length - 1)) / (k - 1)));
}

/** The grid options, the layout checked in the name of `op` (flat [N, H·W] images default to square). */
function gridOptions(
  op: string,
  images: Tensor,
  o: ImagePictureOptions,
): {
  range: readonly [number, number];
  scale: number;
  padding: number;
  imageShape: readonly [number, number];
} {
  const { imageShape } = imageBatchLayout(op, images.shape, o.imageShape);
  return { range: o.range ?? [-1, 1], scale: o.scale ?? 4, padding: o.padding ?? 1, imageShape };
}

async function points2d(op: string, t: Tensor, what: string): Promise<Float32Array> {
  if (t.rank !== 2 || t.shape[1] !== 2)
    throw new ShapeError(op, `expected ${what} as points [N, 2], got ${fmtShape(t.shape)}`);
  return Float32Array.from(await t.data());
}

/** The bounding box of all finite points, with a 5% margin. */
function boundsOf(clouds: readonly Float32Array[]): PlotBounds {
  let [xMin, xMax, yMin, yMax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const c of clouds) {
    for (let i = 0; i + 1 < c.length; i += 2) {
      const [x, y] = [c[i]!, c[i + 1]!];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      [xMin, xMax, yMin, yMax] = [
        Math.min(xMin, x),
        Math.max(xMax, x),
        Math.min(yMin, y),
        Math.max(yMax, y),
      ];
    }
  }
  if (xMin === Infinity) return { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const [mx, my] = [Math.max(0.05 * (xMax - xMin), 1e-3), Math.max(0.05 * (yMax - yMin), 1e-3)];
  return { xMin: xMin - mx, xMax: xMax + mx, yMin: yMin - my, yMax: yMax + my };
}

/** Images of equal height placed left to right with `gap` white pixels between them. */
function sideBySide(images: readonly RgbaImage[], gap: number): RgbaImage {
  const height = images[0]!.height;
  const width = images.reduce((w, im) => w + im.width, 0) + gap * (images.length - 1);
  const out = createRgbaImage(width, height, [255, 255, 255]);
  let left = 0;
  for (const im of images) {
    for (let y = 0; y < height; y++)
      out.data.set(
        im.data.subarray(y * im.width * 4, (y + 1) * im.width * 4),
        (y * width + left) * 4,
      );
    left += im.width + gap;
  }
  return out;
}
