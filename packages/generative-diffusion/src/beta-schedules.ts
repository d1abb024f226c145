import { ArgumentError } from '@webgrad/core-tensor';

/** Options of `linearBetas`. */
export interface LinearBetasOptions {
  /** β₁, the first variance (default 1e-4 · 1000/T, Ho et al.'s value rescaled to T steps). */
  betaStart?: number;
  /** β_T, the last variance (default 0.02 · 1000/T). */
  betaEnd?: number;
}

/** Options of `cosineBetas`. */
export interface CosineBetasOptions {
  /** Offset s of the cosine so that β₁ is not vanishingly small (default 0.008). */
  s?: number;
  /** Upper clip of every β_t, to avoid the singularity at t = T (default 0.999). */
  maxBeta?: number;
}

/**
 * The linear schedule of Ho et al. (2020): β_t evenly spaced from β₁ to β_T,
 * computed in float64. With no ends given, the DDPM ends 1e-4 and 0.02 for
 * T = 1000 are rescaled by 1000/T (as Nichol & Dhariwal's code does), so a
 * short chain still ends near pure noise: ᾱ_T ≈ e^{−10} for every T.
 *
 * @example
 * ```ts
 * import { linearBetas } from '@webgrad/generative-diffusion';
 * const betas = linearBetas(100); // Float64Array, 0.001 … 0.2
 * ```
 */
export function linearBetas(numTimesteps: number, options: LinearBetasOptions = {}): Float64Array {
  checkTimesteps('linearBetas', numTimesteps);
  const scale = 1000 / numTimesteps;
  const start = options.betaStart ?? 1e-4 * scale;
  const end = options.betaEnd ?? 0.02 * scale;
  if (options.betaEnd === undefined && end >= 1) {
    throw new ArgumentError(
      'linearBetas',
      `the default β_T = 0.02·1000/T is ${end} for T=${numTimesteps}; pass betaEnd < 1 or use more timesteps`,
    );
  }
  const betas = new Float64Array(numTimesteps);
  for (let i = 0; i < numTimesteps; i++) {
    betas[i] = numTimesteps === 1 ? start : start + ((end - start) * i) / (numTimesteps - 1);
  }
  return checkBetas('linearBetas', betas);
}

/**
 * The cosine schedule of Nichol & Dhariwal (2021): ᾱ(t) = f(t)/f(0) with
 * f(t) = cos²(((t/T) + s)/(1 + s) · π/2), and β_t = min(1 − ᾱ(t)/ᾱ(t−1),
 * maxBeta), computed in float64. Noise is added slowly at both ends of the
 * chain, so fewer steps are wasted on near-noise states.
 *
 * @example
 * ```ts
 * import { cosineBetas } from '@webgrad/generative-diffusion';
 * const betas = cosineBetas(100); // the last one clipped to 0.999
 * ```
 */
export function cosineBetas(numTimesteps: number, options: CosineBetasOptions = {}): Float64Array {
  checkTimesteps('cosineBetas', numTimesteps);
  const s = options.s ?? 0.008;
  const maxBeta = options.maxBeta ?? 0.999;
  if (!(s >= 0)) throw new ArgumentError('cosineBetas', `s must be >= 0, got ${s}`);
  if (!(maxBeta > 0 && maxBeta < 1)) {
    throw new ArgumentError('cosineBetas', `maxBeta must be in (0, 1), got ${maxBeta}`);
  }
  const f = (t: number): number =>
    Math.cos(((t / numTimesteps + s) / (1 + s)) * (Math.PI / 2)) ** 2;
  const betas = new Float64Array(numTimesteps);
  for (let i = 0; i < numTimesteps; i++) betas[i] = Math.min(1 - f(i + 1) / f(i), maxBeta);
  return checkBetas('cosineBetas', betas);
}

/**
 * Validates a variance schedule: a non-empty list of β_t with 0 < β_t < 1
 * (β_t = 1 would make α_t = 0 and the reverse step undefined). Returns the
 * values as float64.
 */
export function checkBetas(op: string, betas: ArrayLike<number>): Float64Array {
  if (betas.length === 0)
    throw new ArgumentError(op, 'expected at least one β, got an empty schedule');
  const out = Float64Array.from(betas);
  out.forEach((b, i) => {
    if (!(b > 0 && b < 1)) {
      throw new ArgumentError(op, `every β_t must be in (0, 1), got β[${i}] = ${b}`);
    }
  });
  return out;
}

function checkTimesteps(op: string, numTimesteps: number): void {
  if (!Number.isInteger(numTimesteps) || numTimesteps < 1) {
    throw new ArgumentError(op, `numTimesteps must be a positive integer, got ${numTimesteps}`);
  }
}
