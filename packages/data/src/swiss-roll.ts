import { ArgumentError, tensor, type Tensor } from '@webgrad/core-tensor';
import {
  SeededDraws,
  backendOption,
  positiveInteger,
  type SyntheticOptions,
} from './seeded-draws.js';

/** Options of `swissRoll`. */
export interface SwissRollOptions extends SyntheticOptions {
  /** Number of points (N). */
  numSamples: number;
  /** Standard deviation of Gaussian noise added to each coordinate (default 0). */
  noise?: number;
  /** 2 for the planar spiral (t cos t, t sin t), 3 for scikit-learn's roll (t cos t, 21v, t sin t). Default 2. */
  dims?: 2 | 3;
}

/** Points on the swiss roll and their position along it. */
export interface SwissRoll {
  /** float32 [N, dims]. */
  points: Tensor;
  /** float32 [N]: the angle t of each point, in [1.5π, 4.5π). */
  t: Tensor;
}

/**
 * The swiss roll, as scikit-learn's `make_swiss_roll`: t = 1.5π(1 + 2u) with
 * u uniform, the point (t cos t, t sin t) in 2-D (the spiral diffusion models
 * are demonstrated on) or (t cos t, 21v, t sin t) in 3-D with v uniform, plus
 * optional Gaussian noise.
 *
 * @example
 * ```ts
 * const { points } = swissRoll({ numSamples: 1000, noise: 0.5, seed: 0 }); // [1000, 2]
 * ```
 */
export function swissRoll(options: SwissRollOptions): SwissRoll {
  const n = positiveInteger('swissRoll', 'numSamples', options.numSamples);
  const dims = options.dims ?? 2;
  if (dims !== 2 && dims !== 3)
    throw new ArgumentError('swissRoll', `dims must be 2 or 3, got ${String(dims)}`);
  const noise = options.noise ?? 0;
  if (!(noise >= 0)) throw new ArgumentError('swissRoll', `noise must be >= 0, got ${noise}`);
  const draws = new SeededDraws('swissRoll', options.seed ?? 0);
  const u = draws.uniform(n);
  const v = dims === 3 ? draws.uniform(n) : null;
  const eps = noise > 0 ? draws.normal(n * dims) : null;
  const points = new Float32Array(n * dims);
  const t = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const ti = 1.5 * Math.PI * (1 + 2 * u[i]!);
    t[i] = ti;
    const coords = v
      ? [ti * Math.cos(ti), 21 * v[i]!, ti * Math.sin(ti)]
      : [ti * Math.cos(ti), ti * Math.sin(ti)];
    coords.forEach((c, d) => (points[i * dims + d] = c + (eps ? noise * eps[i * dims + d]! : 0)));
  }
  const b = backendOption(options);
  return { points: tensor(points, { shape: [n, dims], ...b }), t: tensor(t, b) };
}
