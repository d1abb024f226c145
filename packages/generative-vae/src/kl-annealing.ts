import { ArgumentError } from '@webgrad/core-tensor';

/** Options of `klWarmupBeta`. */
export interface KlWarmupOptions {
  /** Steps over which β rises linearly from `startBeta` to `beta` (a non-negative integer; 0: no warm-up). */
  warmupSteps: number;
  /** The final weight of the KL term (default 1: the VAE; > 1: a β-VAE). */
  beta?: number;
  /** The weight at step 0 (default 0: start as a plain autoencoder). */
  startBeta?: number;
}

/**
 * KL annealing by linear warm-up: the weight of the KL term at training step
 * `step` (from 0),
 *
 *   β(t) = startBeta + (beta − startBeta) · min(1, t / warmupSteps),
 *
 * so the decoder first learns to use the latent code before the KL term
 * pulls q(z|x) towards the prior (Bowman et al., 2016), which avoids
 * "posterior collapse" where the KL term drives every q(z|x) to N(0, I).
 * A pure function of the step, so a resumed run continues the schedule.
 *
 * @example
 * ```ts
 * klWarmupBeta(0, { warmupSteps: 100 });   // 0
 * klWarmupBeta(50, { warmupSteps: 100 });  // 0.5
 * klWarmupBeta(500, { warmupSteps: 100, beta: 4 }); // 4
 * ```
 */
export function klWarmupBeta(step: number, options: KlWarmupOptions): number {
  const op = 'klWarmupBeta';
  const beta = options.beta ?? 1;
  const start = options.startBeta ?? 0;
  const n = options.warmupSteps;
  if (!Number.isInteger(step) || step < 0)
    throw new ArgumentError(op, `step must be a non-negative integer, got ${step}`);
  if (!Number.isInteger(n) || n < 0)
    throw new ArgumentError(op, `warmupSteps must be a non-negative integer, got ${n}`);
  if (!(beta >= 0) || !(start >= 0))
    throw new ArgumentError(op, `beta and startBeta must be >= 0, got ${beta} and ${start}`);
  if (n === 0) return beta;
  return start + (beta - start) * Math.min(1, step / n);
}
