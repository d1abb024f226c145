import {
  ArgumentError,
  ShapeError,
  fmtShape,
  tensor,
  type Generator,
  type Tensor,
} from '@webgrad/core-tensor';
import {
  encodePng,
  imageBatchLayout,
  imageGrid,
  scatterImage,
  type ImageBatchLayout,
  type ImageGridOptions,
} from '@webgrad/data';
import { normalQuantile } from './normal-quantile.js';
import type { VAE } from './vae.js';

/** How pictures are laid out. */
export interface PictureOptions {
  /** Height and width of one image when the data are flat [N, H·W] (default: the square root of the size, when it is a square). */
  imageShape?: readonly [number, number];
  /** Integer magnification (default 4: an 8x8 digit becomes 32x32 pixels). */
  scale?: number;
  /** Pixels between images (default 1). */
  padding?: number;
}

/** Anything that maps a batch of data to its reconstructions (`Autoencoder`, `VAE`). */
export interface Reconstructor {
  /** x → x̂, the same shape. */
  reconstruct(x: Tensor): Tensor;
}

/**
 * A PNG of `n` samples from the VAE's prior, decoded to pictures, in a grid
 * of `columns` (default ⌈√n⌉).
 *
 * @example
 * ```ts
 * await writePng('samples.png', await samplesPng(vae, 64, { generator: new Generator(0) }));
 * ```
 */
export async function samplesPng(
  vae: VAE,
  n: number,
  options: PictureOptions & { columns?: number; generator?: Generator; labels?: Tensor } = {},
): Promise<Uint8Array> {
  const samples = vae.sample(n, {
    ...(options.generator ? { generator: options.generator } : {}),
    ...(options.labels ? { labels: options.labels } : {}),
  });
  try {
    return await tensorPng(samples, {
      ...options,
      columns: options.columns ?? Math.ceil(Math.sqrt(n)),
    });
  } finally {
    samples.dispose();
  }
}

/**
 * A PNG comparing data with their reconstructions: rows of `columns`
 * originals (default 8), each followed by the row of their reconstructions.
 * Uses the first ⌊N/columns⌋·columns examples of `x` (at least one row).
 */
export async function reconstructionsPng(
  model: Reconstructor,
  x: Tensor,
  options: PictureOptions & { columns?: number } = {},
): Promise<Uint8Array> {
  const columns = Math.min(options.columns ?? 8, x.shape[0]!);
  const n = Math.floor(x.shape[0]! / columns) * columns;
  const batch = x.narrow(0, 0, n);
  const recon = model.reconstruct(batch);
  try {
    const layout = imageBatchLayout('reconstructionsPng', batch.shape, options.imageShape);
    const [a, b] = [await batch.data(), await recon.data()];
    const per = a.length / n;
    const rows = new Float32Array(2 * a.length);
    for (let r = 0; r < n / columns; r++) {
      rows.set(a.subarray(r * columns * per, (r + 1) * columns * per), 2 * r * columns * per);
      rows.set(b.subarray(r * columns * per, (r + 1) * columns * per), (2 * r + 1) * columns * per);
    }
    return encodePng(imageGrid(rows, { ...gridOptions(options), ...layout, columns }));
  } finally {
    if (batch !== x) batch.dispose();
    recon.dispose();
  }
}

/**
 * A PNG of latent interpolations: row i decodes `steps` evenly spaced codes
 * from μ(from[i]) to μ(to[i]) (`from` and `to`: [P, ...] with the same P).
 */
export async function interpolationPng(
  vae: VAE,
  from: Tensor,
  to: Tensor,
  steps: number,
  options: PictureOptions = {},
): Promise<Uint8Array> {
  if (from.shape[0] !== to.shape[0] || from.rank < 1)
    throw new ShapeError(
      'interpolationPng',
      `expected from and to with the same number of examples, got ${fmtShape(from.shape)} and ${fmtShape(to.shape)}`,
    );
  const rows: Float32Array[] = [];
  let layout: ImageBatchLayout | null = null;
  for (let i = 0; i < from.shape[0]!; i++) {
    const a = from.narrow(0, i, 1);
    const b = to.narrow(0, i, 1);
    const path = vae.interpolate(a, b, steps);
    layout ??= imageBatchLayout('interpolationPng', path.shape, options.imageShape);
    rows.push(Float32Array.from(await path.data()));
    for (const t of [a, b, path]) t.dispose();
  }
  const all = new Float32Array(rows.reduce((s, r) => s + r.length, 0));
  rows.reduce((at, r) => (all.set(r, at), at + r.length), 0);
  return encodePng(imageGrid(all, { ...gridOptions(options), ...layout!, columns: steps }));
}

/**
 * The 2-D latent map of a VAE with `latentSize` 2: each example of `x` drawn
 * at its latent mean μ(x), coloured by its class (`labels`, int32 [N]), as
 * in Kingma & Welling's figures: classes form regions of the latent plane.
 */
export async function latentMapPng(
  vae: VAE,
  x: Tensor,
  labels: Tensor,
  options: { size?: number; pointSize?: number } = {},
): Promise<Uint8Array> {
  if (vae.latentSize !== 2)
    throw new ArgumentError(
      'latentMapPng',
      `needs a VAE with a 2-D latent space, got latentSize ${vae.latentSize}`,
    );
  if (labels.rank !== 1 || labels.shape[0] !== x.shape[0])
    throw new ShapeError(
      'latentMapPng',
      `expected labels [${x.shape[0]}], got ${fmtShape(labels.shape)}`,
    );
  const { mu, logvar } = vae.encode(x, vae.numClasses === null ? undefined : labels);
  const points = await mu.data();
  for (const t of [mu, logvar]) t.dispose();
  const image = scatterImage(points, {
    labels: await labels.data(),
    size: options.size ?? 320,
    pointSize: options.pointSize ?? 3,
  });
  return encodePng(image);
}

/**
 * The learned manifold of a VAE with `latentSize` 2: a `steps` × `steps`
 * grid of decoded codes z = (Φ⁻¹(u), Φ⁻¹(v)) for u, v evenly spaced in
 * (0, 1), so equal areas of the picture hold equal prior mass (the
 * inverse-CDF transform of a uniform grid).
 */
export async function latentManifoldPng(
  vae: VAE,
  options: PictureOptions & { steps?: number; labels?: Tensor } = {},
): Promise<Uint8Array> {
  if (vae.latentSize !== 2)
    throw new ArgumentError(
      'latentManifoldPng',
      `needs a VAE with a 2-D latent space, got latentSize ${vae.latentSize}`,
    );
  const steps = options.steps ?? 15;
  if (!Number.isInteger(steps) || steps < 2)
    throw new ArgumentError('latentManifoldPng', `steps must be an integer >= 2, got ${steps}`);
  const q = Array.from({ length: steps }, (_, i) => normalQuantile((i + 0.5) / steps));
  const codes: number[] = [];
  // rows top to bottom: z₂ from high to low; columns left to right: z₁ from low to high
  for (let r = steps - 1; r >= 0; r--) for (let c = 0; c < steps; c++) codes.push(q[c]!, q[r]!);
  const backend = vae.parameters()[0]?.backend.name;
  const z = tensor(codes, { shape: [steps * steps, 2], ...(backend ? { backend } : {}) });
  const labels = options.labels?.expand([steps * steps]);
  const pictures = vae.mean(vae.decode(z, labels));
  try {
    return await tensorPng(pictures, { ...options, columns: steps });
  } finally {
    for (const t of [z, pictures]) t.dispose();
  }
}

/** A PNG of a batch of pictures ([N, H·W], [N, H, W] or [N, C, H, W]) in a grid of `columns`. */
export async function tensorPng(
  images: Tensor,
  options: PictureOptions & { columns?: number } = {},
): Promise<Uint8Array> {
  const layout = imageBatchLayout('tensorPng', images.shape, options.imageShape);
  return encodePng(
    imageGrid(await images.data(), {
      ...gridOptions(options),
      ...layout,
      ...(options.columns ? { columns: options.columns } : {}),
    }),
  );
}

function gridOptions(options: PictureOptions): Pick<ImageGridOptions, 'scale' | 'padding'> {
  return { scale: options.scale ?? 4, padding: options.padding ?? 1 };
}
