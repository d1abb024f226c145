import { ArgumentError } from '@webgrad/core-tensor';

/** How to turn next-token scores into a choice. */
export interface SamplingOptions {
  /** Divides the logits: < 1 sharpens, > 1 flattens; 0 picks the most likely token (default 1). */
  temperature?: number;
  /** Keep only the k most likely tokens (default: all). */
  topK?: number;
  /** Nucleus sampling: keep the fewest most likely tokens whose probabilities add up to at least p (default 1: all). */
  topP?: number;
}

/**
 * The distribution a token is drawn from: p ∝ exp(logit/temperature),
 * restricted to the top-k tokens and then to the nucleus (the smallest set
 * of most likely tokens with total probability ≥ topP), renormalised. With
 * temperature 0 all mass goes to the most likely token.
 *
 * @example
 * ```ts
 * samplingDistribution([2, 1, 0], { topK: 2 }); // ≈ [0.731, 0.269, 0]
 * ```
 */
export function samplingDistribution(logits: ArrayLike<number>, options: SamplingOptions = {}): Float64Array {
  const V = logits.length;
  const temperature = options.temperature ?? 1;
  const topK = options.topK ?? V;
  const topP = options.topP ?? 1;
  if (!(temperature >= 0)) throw new ArgumentError('sampling', `temperature must be ≥ 0, got ${temperature}`);
  if (!Number.isInteger(topK) || topK < 1) throw new ArgumentError('sampling', `topK must be a positive integer, got ${topK}`);
  if (!(topP > 0 && topP <= 1)) throw new ArgumentError('sampling', `topP must be in (0, 1], got ${topP}`);
  if (V === 0) throw new ArgumentError('sampling', 'no logits to sample from');
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]! || a - b);
  const p = new Float64Array(V);
  if (temperature === 0) {
    p[order[0]!] = 1;
    return p;
  }
  const max = logits[order[0]!]!;
  let z = 0;
  for (let i = 0; i < V; i++) z += (p[i] = Math.exp((logits[i]! - max) / temperature));
  // top-k, then the nucleus, over the tokens sorted by probability
  let kept = Math.min(topK, V);
  let mass = 0;
  for (let r = 0; r < kept; r++) {
    mass += p[order[r]!]! / z;
    if (mass >= topP) {
      kept = r + 1;
      break;
    }
  }
  let keptMass = 0;
  for (let r = 0; r < kept; r++) keptMass += p[order[r]!]!;
  for (let r = 0; r < V; r++) {
    const i = order[r]!;
    p[i] = r < kept ? p[i]! / keptMass : 0;
  }
  return p;
}

/**
 * Draws a token from `samplingDistribution(logits, options)` with the
 * uniform number u ∈ [0, 1) (inverse-CDF sampling, so a seeded u gives a
 * reproducible token).
 */
export function sampleToken(logits: ArrayLike<number>, u: number, options: SamplingOptions = {}): number {
  const p = samplingDistribution(logits, options);
  let acc = 0;
  let last = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0) continue;
    last = i;
    acc += p[i]!;
    if (u < acc) return i;
  }
  // u within rounding of 1
  return last;
}
