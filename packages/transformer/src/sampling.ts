import { ArgumentError } from '@webgrad/core-tensor';

/** How the next token is drawn from the model's logits. */
export interface SamplingOptions {
  /**
   * Divides the logits before the softmax (default 1): below 1 sharpens the
   * distribution, above 1 flattens it; 0 is greedy decoding (argmax).
   */
  temperature?: number;
  /** Keep only the k most likely tokens (ties with the k-th included, as nanoGPT); null or absent keeps all. */
  topK?: number | null;
  /**
   * Nucleus sampling (Holtzman et al. 2019): keep the smallest set of most
   * likely tokens whose probabilities sum to at least p (0 < p ≤ 1).
   */
  topP?: number | null;
}

/**
 * The logits of one position after temperature, top-k and top-p, in that
 * order (Hugging Face's and nanoGPT's): removed tokens get −∞.
 *
 * @example
 * ```ts
 * filterLogits([2, 1, 0, -1], { topK: 2 }); // Float64Array [2, 1, -Infinity, -Infinity]
 * ```
 */
export function filterLogits(logits: ArrayLike<number>, options: SamplingOptions = {}): Float64Array {
  const { temperature = 1, topK = null, topP = null } = options;
  checkSampling(logits.length, options);
  const out = Float64Array.from(logits, (v) => (temperature > 0 ? v / temperature : v));
  const n = out.length;
  if (topK !== null && topK < n) {
    const kth = Array.from(out).sort((a, b) => b - a)[topK - 1]!;
    for (let i = 0; i < n; i++) if (out[i]! < kth) out[i] = -Infinity;
  }
  if (topP !== null && topP < 1) {
    const order = Array.from(out.keys()).sort((a, b) => out[b]! - out[a]!);
    const probs = softmaxOf(out);
    let cumulative = 0;
    let keep = 0;
    // keep tokens until their mass reaches p; the token that crosses p stays
    while (keep < n && cumulative < topP) cumulative += probs[order[keep++]!]!;
    for (let r = Math.max(keep, 1); r < n; r++) out[order[r]!] = -Infinity;
  }
  return out;
}

/**
 * Draws a token from `logits` with one uniform number u ∈ [0, 1): after
 * `filterLogits`, the token is the first i with Σ_{j≤i} p_j > u (inverse
 * CDF), so the same u gives the same token. Temperature 0 returns the argmax
 * (the first, on ties) and ignores u.
 *
 * @example
 * ```ts
 * sampleToken([0, 0, 10], 0.5); // 2 (almost all mass is on token 2)
 * ```
 */
export function sampleToken(logits: ArrayLike<number>, u: number, options: SamplingOptions = {}): number {
  if (!(u >= 0 && u < 1)) throw new ArgumentError('sampleToken', `u must be in [0, 1), got ${u}`);
  if ((options.temperature ?? 1) === 0) return argmaxOf(logits);
  const probs = softmaxOf(filterLogits(logits, options));
  let cumulative = 0;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i]! <= 0) continue;
    cumulative += probs[i]!;
    last = i;
    if (cumulative > u) return i;
  }
  return last; // rounding left the total just below u
}

function checkSampling(n: number, options: SamplingOptions): void {
  const { temperature = 1, topK = null, topP = null } = options;
  if (n === 0) throw new ArgumentError('sampleToken', 'logits are empty');
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new ArgumentError('sampleToken', `temperature must be a finite number ≥ 0, got ${temperature}`);
  if (topK !== null && (!Number.isInteger(topK) || topK < 1)) throw new ArgumentError('sampleToken', `topK must be a positive integer, got ${topK}`);
  if (topP !== null && !(topP > 0 && topP <= 1)) throw new ArgumentError('sampleToken', `topP must be in (0, 1], got ${topP}`);
}

function softmaxOf(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const p = Float64Array.from(logits, (v) => (v === -Infinity ? 0 : Math.exp(v - max)));
  const total = p.reduce((a, b) => a + b, 0);
  for (let i = 0; i < p.length; i++) p[i] /= total;
  return p;
}

function argmaxOf(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  return best;
}
