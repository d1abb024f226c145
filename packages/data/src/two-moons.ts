import { ArgumentError, tensor, type Tensor } from '@webgrad/core-tensor';
import {
  SeededDraws,
  backendOption,
  positiveInteger,
  type SyntheticOptions,
} from './seeded-draws.js';

/** Options of `twoMoons`. */
export interface TwoMoonsOptions extends SyntheticOptions {
  /** Number of points (N): ⌊N/2⌋ on the upper moon, the rest on the lower. */
  numSamples: number;
  /** Standard deviation of Gaussian noise added to each coordinate (default 0). */
  noise?: number;
  /** Shuffle the points (default true). */
  shuffle?: boolean;
}

/** Points of a 2-D data set with class labels. */
export interface LabelledPoints {
  /** float32 [N, 2]. */
  points: Tensor;
  /** int32 [N]: which class each point belongs to. */
  labels: Tensor;
}

/**
 * Two interleaving half circles, as scikit-learn's `make_moons`: the upper
 * moon (label 0) is (cos θ, sin θ) and the lower (label 1) is
 * (1 − cos θ, 1/2 − sin θ), θ evenly spaced on [0, π]; then an optional
 * seeded shuffle and Gaussian noise.
 *
 * @example
 * ```ts
 * const { points, labels } = twoMoons({ numSamples: 200, noise: 0.1, seed: 0 }); // [200, 2], [200]
 * ```
 */
export function twoMoons(options: TwoMoonsOptions): LabelledPoints {
  const n = positiveInteger('twoMoons', 'numSamples', options.numSamples, 2);
  const noise = options.noise ?? 0;
  if (!(noise >= 0)) throw new ArgumentError('twoMoons', `noise must be >= 0, got ${noise}`);
  const nOuter = Math.floor(n / 2);
  const nInner = n - nOuter;
  const raw = new Float32Array(2 * n);
  const rawLabels = new Int32Array(n);
  const angle = (i: number, count: number): number =>
    count === 1 ? 0 : (Math.PI * i) / (count - 1);
  for (let i = 0; i < nOuter; i++) {
    raw[2 * i] = Math.cos(angle(i, nOuter));
    raw[2 * i + 1] = Math.sin(angle(i, nOuter));
  }
  for (let i = 0; i < nInner; i++) {
    const j = nOuter + i;
    raw[2 * j] = 1 - Math.cos(angle(i, nInner));
    raw[2 * j + 1] = 0.5 - Math.sin(angle(i, nInner));
    rawLabels[j] = 1;
  }
  const draws = new SeededDraws('twoMoons', options.seed ?? 0);
  const order =
    options.shuffle === false ? Int32Array.from({ length: n }, (_, i) => i) : draws.permutation(n);
  const eps = noise > 0 ? draws.normal(2 * n) : null;
  const points = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = order[i]!;
    points[2 * i] = raw[2 * src]! + (eps ? noise * eps[2 * i]! : 0);
    points[2 * i + 1] = raw[2 * src + 1]! + (eps ? noise * eps[2 * i + 1]! : 0);
    labels[i] = rawLabels[src]!;
  }
  const b = backendOption(options);
  return { points: tensor(points, { shape: [n, 2], ...b }), labels: tensor(labels, b) };
}
